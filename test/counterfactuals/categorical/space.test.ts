import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors.js';
import { abdmDistances } from '../../../src/counterfactuals/categorical/abdm.js';
import { CategoricalLayout } from '../../../src/counterfactuals/categorical/layout.js';
import { CategoricalSpace } from '../../../src/counterfactuals/categorical/space.js';
import { loadAdult } from '../../../src/datasets/adult.js';
import type { TabularDataset } from '../../../src/datasets/types.js';
import { loadDemoModel } from '../../../src/models/demo-models.js';

const EDUCATION_ORDER = ['Dropout', 'High School grad', 'Associates', 'Bachelors', 'Masters', 'Prof-School', 'Doctorate'];

/** Adult's ordinal rows and categoryMap in the one-hot encoding (categoryMap keyed by each group's first column). */
function oneHot(adult: TabularDataset) {
  const layout = new CategoricalLayout(adult.featureNames.length, adult.categoryMap, 'ordinal');
  const categoryMap: Record<number, readonly string[]> = {};
  let column = 0;
  layout.categories.forEach((names) => {
    if (names !== undefined) categoryMap[column] = names;
    column += names?.length ?? 1;
  });
  const encode = (row: number[]) => row.flatMap((v, f) => (layout.categories[f] === undefined ? [v] : layout.categories[f]!.map((_, k) => (k === v ? 1 : 0))));
  return { width: column, categoryMap, encode };
}

describe('CategoricalSpace on Adult', () => {
  let adult: TabularDataset;
  let space: CategoricalSpace;
  let education: number;
  beforeAll(() => {
    adult = loadAdult();
    education = adult.featureNames.indexOf('Education');
    space = CategoricalSpace.fit(adult.train.rows, adult.categoryMap, { order: { [education]: EDUCATION_ORDER } });
  });

  it('maps real rows to the numeric space and back exactly; categorical coordinates lie in the updated featureRange', () => {
    const rows = adult.test.rows.slice(0, 300);
    for (const row of rows) {
      const x = space.toNumeric(row);
      expect(x).toBeInstanceOf(Float32Array);
      expect(x).toHaveLength(12);
      expect(space.toRow(x)).toEqual(row);
      for (let f = 0; f < 12; f++) {
        if (adult.categoryMap[f] === undefined) expect(x[f]).toBe(row[f]);
        else expect(x[f]).toBe(space.coordinates[f][row[f]]);
      }
    }
    // Default featureRange [-1, 1]: one common factor lets the widest feature fill it, every feature centred at 0.
    const spans = Object.keys(adult.categoryMap).map(Number).map((f) => {
      const { lower, upper } = space.featureRange;
      expect(lower[f]).toBe(Math.min(...space.coordinates[f]));
      expect(upper[f]).toBe(Math.max(...space.coordinates[f]));
      expect(lower[f]).toBeGreaterThanOrEqual(-1);
      expect(upper[f]).toBeLessThanOrEqual(1);
      expect((lower[f] + upper[f]) / 2).toBeCloseTo(0, 6);
      return upper[f] - lower[f];
    });
    expect(Math.max(...spans)).toBeCloseTo(2, 6);
    expect(Math.min(...spans)).toBeLessThan(1);
    expect(space.featureRange.lower[0]).toBe(-1); // Age: numeric, passed through
  });

  it('orders Education along its dimension and maps perturbed coordinates to the nearest category', () => {
    const names = adult.categoryMap[education];
    const codes = EDUCATION_ORDER.map((n) => names.indexOf(n));
    const coords = codes.map((c) => space.coordinates[education][c]);
    const ascending = coords[1] > coords[0] ? coords : [...coords].reverse();
    const byCoordinate = coords[1] > coords[0] ? codes : [...codes].reverse();
    for (let i = 1; i < ascending.length; i++) expect(ascending[i]).toBeGreaterThan(ascending[i - 1]);
    for (let i = 0; i < ascending.length; i++) {
      const below = i > 0 ? ascending[i] - ascending[i - 1] : 1;
      const above = i < ascending.length - 1 ? ascending[i + 1] - ascending[i] : 1;
      expect(space.nearestCategory(education, ascending[i] - 0.45 * below)).toBe(byCoordinate[i]);
      expect(space.nearestCategory(education, ascending[i] + 0.45 * above)).toBe(byCoordinate[i]);
    }
    expect(space.nearestCategory(education, -1e6)).toBe(byCoordinate[0]);
    expect(space.nearestCategory(education, 1e6)).toBe(byCoordinate[byCoordinate.length - 1]);
    // Halfway between two categories (exact in float64 for these float32 coordinates), the lower code wins.
    const middle = (ascending[2] + ascending[3]) / 2;
    expect(space.nearestCategory(education, middle)).toBe(Math.min(byCoordinate[2], byCoordinate[3]));

    const row = adult.test.rows[0].slice();
    const x = space.toNumeric(row);
    x[education] = ascending[4] + 0.3 * (ascending[5] - ascending[4]);
    x[0] = 41.5;
    const back = space.toRow(x);
    expect(back[education]).toBe(byCoordinate[4]);
    expect(back[0]).toBe(41.5);
    expect(back.filter((_, f) => f !== education && f !== 0)).toEqual(row.filter((_, f) => f !== education && f !== 0));
  });

  it('ordered categories: "this level or higher" as codes and a coordinate interval, honoured by toRow', () => {
    const names = adult.categoryMap[education];
    const code = (n: string) => names.indexOf(n);
    const up = space.orderedCategories(education, code('High School grad'), 'increase');
    expect(up.categories).toEqual(EDUCATION_ORDER.slice(1).map(code));
    const coords = up.categories.map((c) => space.coordinates[education][c]);
    expect(up.lower).toBe(Math.min(...coords));
    expect(up.upper).toBe(Math.max(...coords));
    const down = space.orderedCategories(education, code('Bachelors'), 'decrease');
    expect(down.categories).toEqual(EDUCATION_ORDER.slice(0, 4).map(code));
    // Dropout's own coordinate, restricted to High School grad or higher, snaps to its nearest allowed neighbour.
    const x = space.toNumeric(adult.test.rows[0]);
    x[education] = space.coordinates[education][code('Dropout')];
    expect(space.toRow(x)[education]).toBe(code('Dropout'));
    expect(space.toRow(x, { [education]: up.categories })[education]).toBe(code('High School grad'));
    expect(space.nearestCategory(education, x[education], [code('Doctorate')])).toBe(code('Doctorate'));
    expect(() => space.orderedCategories(3, 0, 'increase')).toThrow(/feature 3 has no order; expected one of the ordered features \(2\)/);
    expect(() => space.orderedCategories(education, 0, 'up' as never)).toThrow(/direction is a string \("up"\); expected 'increase' or 'decrease'/);
  });

  it('one-hot rows: the same coordinates as ordinal, exact round trips, valid one-hot groups', () => {
    const { width, categoryMap, encode } = oneHot(adult);
    expect(width).toBe(4 + 9 + 7 + 4 + 9 + 6 + 5 + 2 + 11);
    const train = adult.train.rows.map(encode);
    const ohe = CategoricalSpace.fit(train, categoryMap, { encoding: 'onehot' });
    expect(ohe.numFeatures).toBe(12);
    for (const f of Object.keys(adult.categoryMap).map(Number)) expect(ohe.coordinates[f]).toEqual(space.coordinates[f]);
    for (const row of adult.test.rows.slice(0, 300)) {
      const encoded = encode(row);
      const x = ohe.toNumeric(encoded);
      expect(Array.from(x)).toEqual(Array.from(space.toNumeric(row)));
      expect(ohe.toRow(x)).toEqual(encoded);
    }
    const x = ohe.toNumeric(encode(adult.test.rows[1]));
    x[education] += 0.37;
    const back = ohe.toRow(x);
    const group = back.slice(ohe.layout.columns[education], ohe.layout.columns[education] + 7);
    expect(group.filter((v) => v === 1)).toHaveLength(1);
    expect(group.filter((v) => v === 0)).toHaveLength(6);
    expect(ohe.layout.toOrdinal(back)[education]).toBe(ohe.nearestCategory(education, x[education]));
    const twoOnes = encode(adult.test.rows[0]);
    twoOnes[ohe.layout.columns[education]] = 1;
    twoOnes[ohe.layout.columns[education] + 1] = 1;
    expect(() => ohe.toNumeric(twoOnes, 'row 0')).toThrow(/row 0, one-hot group at columns 10\.\.16 has 1 in columns 10 and 11; expected exactly one 1/);
  });

  it('MVDM from the bundled model, and the options standardizeCatVars, center, updateFeatureRange, smooth', () => {
    const rows = adult.train.rows;
    const { model } = loadDemoModel('adult-gbt');
    const mvdm = CategoricalSpace.fit(rows, adult.categoryMap, { distance: 'mvdm', predictions: model.predictProba(rows) });
    for (const row of adult.test.rows.slice(0, 100)) expect(mvdm.toRow(mvdm.toNumeric(row))).toEqual(row);

    const distances = abdmDistances(rows, adult.categoryMap);
    const layout = new CategoricalLayout(12, adult.categoryMap);
    const features = Object.keys(adult.categoryMap).map(Number);
    const standard = new CategoricalSpace(layout, distances, { standardizeCatVars: true });
    for (const f of features) {
      const c = Array.from(standard.coordinates[f]);
      const mean = c.reduce((s, v) => s + v, 0) / c.length;
      expect(mean).toBeCloseTo(0, 5);
      expect(Math.sqrt(c.reduce((s, v) => s + (v - mean) ** 2, 0) / c.length)).toBeCloseTo(1, 5);
    }
    const uncentred = new CategoricalSpace(layout, distances, { center: false, featureRange: [0, 1] });
    for (const f of features) expect(Math.min(...uncentred.coordinates[f])).toBeCloseTo(0, 6);
    const fixed = new CategoricalSpace(layout, distances, { updateFeatureRange: false });
    for (const f of features) expect([fixed.featureRange.lower[f], fixed.featureRange.upper[f]]).toEqual([-1, 1]);
    // smooth < 1 evens out the spreads: the narrowest feature's share of the widest grows.
    const spread = (s: CategoricalSpace) => {
      const spans = features.map((f) => Math.max(...s.coordinates[f]) - Math.min(...s.coordinates[f]));
      return Math.min(...spans) / Math.max(...spans);
    };
    expect(spread(new CategoricalSpace(layout, distances, { smooth: 0.5 }))).toBeGreaterThan(spread(space) + 0.05);
    expect(JSON.stringify(new CategoricalSpace(layout, distances, { smooth: 0.5 }).coordinates)).toBe(
      JSON.stringify(new CategoricalSpace(layout, distances, { smooth: 0.5 }).coordinates),
    );
  });
});

describe('CategoricalSpace input checks', () => {
  const layout = new CategoricalLayout(3, { 1: ['a', 'b', 'c'] });
  const distances = { 1: [[0, 1, 2], [1, 0, 1], [2, 1, 0]] };

  it('embeds given distances: points on a line, in [-1, 1], deterministic', () => {
    const space = new CategoricalSpace(layout, distances);
    [-1, 0, 1].forEach((x, code) => expect(space.coordinates[1][code]).toBeCloseTo(x, 6));
    expect(space.toRow([5, 0.6, 7])).toEqual([5, 2, 7]);
    expect(space.toRow([5, -0.2, 7])).toEqual([5, 1, 7]);
    expect(space.toRow([5, -7, 7])).toEqual([5, 0, 7]);
    expect(Array.from(space.toNumeric([5, 2, 7]))).toEqual([5, 1, 7]);
    expect(JSON.stringify(new CategoricalSpace(layout, distances).coordinates)).toBe(JSON.stringify(space.coordinates));
  });

  it('rejects bad distances, options, rows and points with typed errors that say what was expected', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => new CategoricalSpace(layout, {}), /distances has no matrix for categorical feature 1; expected a 3 × 3 matrix/],
      [() => new CategoricalSpace(layout, { 1: [[0, 1], [1, 0]] }), /distances\[1\] is 2 × 2; expected 3 × 3, one row per category of feature 1/],
      [() => new CategoricalSpace(layout, { 1: [[0, 1, 2], [1, 0, 1]] }), /distances\[1\] row 0 is an array of 3; expected 2 numbers: the matrix must be square/],
      [() => new CategoricalSpace(layout, { 1: [[0, NaN, 2], [NaN, 0, 1], [2, 1, 0]] }), /distances\[1\]\[0\]\[1\] is NaN; expected a finite distance >= 0/],
      [() => new CategoricalSpace(layout, { ...distances, 0: [[0]] }), /distances has a matrix for feature 0, which is not categorical; categorical features are: 1/],
      [() => new CategoricalSpace(layout, { 1: [[0, 0, 2], [0, 0, 2], [2, 2, 0]] }), /categories "a" and "b" of feature 1 have the same coordinate/],
      [() => new CategoricalSpace(layout, distances, { smooth: 0 }), /option smooth is 0; expected an exponent in \(0, 1\]/],
      [() => new CategoricalSpace(layout, distances, { center: 1 as never }), /option center is 1; expected true or false/],
      [() => new CategoricalSpace(layout, distances, { order: { 0: ['a'] } }), /option order names column "0", which is not a categorical column; expected a key of categoryMap \(1\)/],
      [() => new CategoricalSpace(layout, distances, { order: { 1: ['a', 'c'] } }), /option order\["1"\] is \["a","c"\]; expected every category of column 1 once, lowest first \(a, b, c\)/],
      [() => new CategoricalSpace(layout, distances, { featureRange: [1, 0] }), /featureRange of feature 0 is \[1, 0\]; expected min <= max/],
      [() => new CategoricalLayout(3, { 1: ['a', 'b', 'c'] }, 'onehot'), /categoryMap\["1"\] has 3 categories, so its one-hot group needs columns 1\.\.3; rows have only 3 columns/],
      [() => new CategoricalLayout(5, { 0: ['a', 'b', 'c'], 1: ['x', 'y'] }, 'onehot'), /categoryMap\["1"\] starts inside the one-hot group of categoryMap\["0"\]/],
      [() => new CategoricalLayout(3, {}, 'binary' as never), /encoding is "binary"; expected one of: ordinal, onehot/],
      [() => CategoricalSpace.fit([[0, 1, 2]], { 1: ['a', 'b'] }, { distance: 'mvdm' }), /distance 'mvdm' needs option predictions/],
      [() => CategoricalSpace.fit([[0, 1, 2]], { 1: ['a', 'b'] }, { predictions: [0] }), /option predictions is only used with distance 'mvdm'/],
      [() => CategoricalSpace.fit([[0, 1, 2]], { 1: ['a', 'b'] }, { distance: 'euclid' as never }), /option distance is "euclid"; expected one of: abdm, mvdm/],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(InvalidInputError);
      expect(call).toThrow(message);
    }
    const space = new CategoricalSpace(layout, distances);
    expect(() => space.toRow([0, NaN, 0])).toThrow(/numeric point, feature 1 is NaN; expected a finite number/);
    expect(() => space.toRow([0, 0])).toThrow(/numeric point has 2 values; expected 3, one per feature/);
    expect(() => space.toRow([0, 0, 0], { 0: [0] })).toThrow(/allowed names feature 0, which is not categorical/);
    expect(() => space.toRow([0, 0, 0], { 1: [] })).toThrow(/allowed categories of feature 1 are an array of 0; expected a non-empty array of codes/);
    expect(() => space.toRow([0, 0, 0], { 1: [3] })).toThrow(/allowed categories of feature 1 include 3; expected codes 0\.\.2/);
    expect(() => space.toNumeric([0, 3, 0], 'instance')).toThrow(/instance, column 1 has category code 3; expected an integer code 0\.\.2 \(a, b, c\)/);
    expect(() => space.nearestCategory(0, 1)).toThrow(/feature 0 is not categorical; categorical features are: 1/);
  });
});
