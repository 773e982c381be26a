import { AnchorImage, type AnchorImageExplainOptions, type AnchorImageState } from '../anchors/image/anchor-image.js';
import { AnchorTabular, type AnchorTabularExplainOptions } from '../anchors/tabular/anchor-tabular.js';
import { AnchorText, type AnchorTextExplainOptions, type AnchorTextState, type TextSampling } from '../anchors/text/anchor-text.js';
import type { FillMask, WordEmbeddings } from '../anchors/text/fill-mask.js';
import { InvalidInputError } from '../core/errors.js';
import type { MinMaxScaling } from '../core/min-max-scaling.js';
import type { Explanation } from '../core/explanation.js';
import { CEM, CEM_DEFAULTS, type CEMState } from '../counterfactuals/cem.js';
import { Counterfactual, COUNTERFACTUAL_DEFAULTS, type CounterfactualState } from '../counterfactuals/counterfactual.js';
import type { InstanceInput } from '../counterfactuals/instance.js';
import {
  COUNTERFACTUAL_PROTO_DEFAULTS,
  CounterfactualProto,
  type CounterfactualProtoData,
  type CounterfactualProtoState,
  type ProtoExplainOptions,
  type ProtoFittedState,
} from '../counterfactuals/proto/counterfactual-proto.js';
import { DiverseCounterfactuals, type DiverseExplainOptions } from '../counterfactuals/diverse/diverse-counterfactuals.js';
import type { FeatureStats } from '../counterfactuals/diverse/feature-stats.js';
import type { Image, ImageInput } from '../image/image.js';
import type { SegmentationFunction } from '../image/segmentation/segment.js';
import type { Predictor, Task } from '../predictors/predictor.js';
import type { InstanceShape } from '../predictors/remote/instances.js';
import type { TfjsPredictor } from '../predictors/tfjs.js';
import { ContextFillMask } from '../text/context-fill-mask.js';
import type { TfModel } from '../tf/models.js';
import type { ExplainerJsonReader, ExplainerType } from './format.js';

/**
 * How each explainer type is saved and restored: which of its state goes under `options` and `state`
 * in `explainer.json` (typed arrays become binary files), how the JSON is checked field by field, and
 * how a restored explainer explains an instance.
 */

export type SaveableExplainer = AnchorTabular | AnchorText | AnchorImage | Counterfactual | CEM | CounterfactualProto | DiverseCounterfactuals;

/** What loading needs besides the folder and the model: resources that are not saved with the explainer. */
export interface LoadExplainerOptions {
  /** Refuse a folder holding another type of explainer. */
  type?: ExplainerType;
  /** AnchorText with `similarity` sampling: the word vectors it was saved with (checked by name). */
  embeddings?: WordEmbeddings;
  /**
   * AnchorText with `similarity` sampling and no `embeddings`: finds word vectors by the name the explainer
   * was saved with (`bundledEmbeddings` of glassbox/demo finds the bundled GloVe vectors; the CLI passes it).
   */
  findEmbeddings?: (name: string) => WordEmbeddings | undefined;
  /** AnchorText with `language_model` sampling: a masked-word model that is not a `ContextFillMask` (those are saved with the explainer). */
  fillMask?: FillMask;
  /** AnchorImage saved with a segmentation function of its own: the same function. */
  segmentation?: SegmentationFunction;
  /** CEM or CounterfactualProto saved with an autoencoder: the same autoencoder (by default the one saved in the folder). */
  ae?: TfModel | TfjsPredictor;
  /** CounterfactualProto saved with an encoder (encoder prototypes): the same encoder (by default the one saved in the folder). */
  encoder?: TfModel | TfjsPredictor;
}

/** An explainer as `explainer.json` holds it: JSON with typed arrays, and extra JSON files beside it. */
export interface SavedParts {
  options: Record<string, unknown>;
  state: Record<string, unknown>;
  files?: Record<string, unknown>;
  /** TensorFlow.js models saved in subfolders of the same name (`ae/`, `encoder/`), layers-model files. */
  models?: SavedModels;
}

/** The TensorFlow.js models an explainer is saved with, by role. */
export interface SavedModels {
  ae?: TfModel;
  encoder?: TfModel;
}

export interface RestoreContext {
  r: ExplainerJsonReader;
  // The model's input type depends on the explainer type, which is known only once the file is read.
  predictor: Predictor<any> | TfjsPredictor;
  load: LoadExplainerOptions;
  /** Reads (and parses) a JSON file saved beside `explainer.json`. */
  readJson(name: string): Promise<unknown>;
  /** The TensorFlow.js models saved in the folder (checked against `explainer.json`), loaded. */
  models: SavedModels;
}

export interface ExplainerCodec<E extends SaveableExplainer = SaveableExplainer> {
  type: ExplainerType;
  is(explainer: unknown): explainer is E;
  save(explainer: E): SavedParts;
  /** Restores the explainer; InvalidInputErrors it throws are reported as errors of the file. */
  restore(options: Record<string, unknown>, state: Record<string, unknown>, context: RestoreContext): Promise<E>;
  describeInstance(explainer: E): string;
  /** What one instance is: a string, or numbers of this shape (what a model behind a URL must take). */
  instanceShape(explainer: E): InstanceShape;
  explain(explainer: E, instance: unknown, options: Record<string, unknown>): Promise<Explanation<unknown>>;
  /**
   * For explainers that can be saved with an input scaling (see `SaveExplainerOptions.inputScaling`):
   * checks that the explainer works on rows of the scaling's length, and turns an explanation of a
   * scaled row back into the model's encoding. Types without it cannot be saved with a scaling.
   */
  scaled?: {
    check(explainer: E, scaling: MinMaxScaling): void;
    unscale(explanation: Explanation<unknown>, scaling: MinMaxScaling): Explanation<unknown>;
  };
}

const tabular: ExplainerCodec<AnchorTabular> = {
  type: 'AnchorTabular',
  is: (e): e is AnchorTabular => e instanceof AnchorTabular,
  save(explainer) {
    const { featureNames, categoryMap, seed, values, task, ...state } = explainer.toState();
    // Most tabular data (codes, counts, money) is exact in float32: half the bytes, read back exactly.
    const exact = values.every((v) => Math.fround(v) === v);
    return {
      options: { featureNames, categoryMap, seed, ...(task !== undefined && { task }) },
      state: { ...state, values: exact ? Float32Array.from(values) : values },
    };
  },
  async restore(o, s, { r, predictor }) {
    const categoryMap = r.object(o.categoryMap, 'options.categoryMap');
    for (const [key, names] of Object.entries(categoryMap)) r.strings(names, `options.categoryMap.${key}`);
    if (!Array.isArray(s.edges)) r.fail('state.edges', 'an array (per feature, its bin edges or null)', s.edges);
    return AnchorTabular.fromState(predictor as Predictor<number[]>, {
      featureNames: r.strings(o.featureNames, 'options.featureNames'),
      categoryMap: categoryMap as Record<number, string[]>,
      seed: r.seed(o.seed, 'options.seed'),
      ...(s.ohe !== undefined && { ohe: s.ohe === true ? true : r.fail('state.ohe', 'true, or absent', s.ohe) }),
      discPerc: r.numbers(s.discPerc, 'state.discPerc'),
      edges: (s.edges as unknown[]).map((e, f) => (e === null ? null : r.numbers(e, `state.edges[${f}]`))),
      values: Float64Array.from(r.typedArray(s.values, 'state.values', ['float32', 'float64'])),
      task: o.task as Task | undefined, // checked by the explainer: 'classification', 'regression' or absent
    });
  },
  describeInstance(explainer) {
    const d = explainer.schema.numFeatures;
    const categorical = explainer.schema.categories.filter((c) => c !== undefined).length;
    return `a row of ${d} values (numbers${categorical > 0 ? ', or category names for the categorical features' : ''}), or an object keyed by feature name`;
  },
  instanceShape: (explainer) => [explainer.schema.numFeatures],
  explain: (explainer, instance, options) => explainer.explain(instance as number[], options as AnchorTabularExplainOptions),
};

/**
 * DiverseCounterfactuals: the schema, order and seed under `options`; the feature statistics (JSON),
 * the kept training rows (float32 where exact, as AnchorTabular's) and their predicted classes
 * (binary) under `state`. Explain options (count, method, constraints...) come with each request.
 */
const diverse: ExplainerCodec<DiverseCounterfactuals> = {
  type: 'DiverseCounterfactuals',
  is: (e): e is DiverseCounterfactuals => e instanceof DiverseCounterfactuals,
  save(explainer) {
    const { featureNames, categoryMap, order, seed, stats, values, classes, predictions, task } = explainer.toState();
    const exact = values.every((v) => Math.fround(v) === v);
    // A regression model's state holds its predicted values (float64) instead of classes.
    const predicted = predictions === undefined ? { classes } : { predictions };
    return { options: { featureNames, categoryMap, order, seed, ...(task !== undefined && { task }) }, state: { stats, values: exact ? Float32Array.from(values) : values, ...predicted } };
  },
  async restore(o, s, { r, predictor }) {
    const names = (field: 'categoryMap' | 'order') => {
      const byColumn = r.object(o[field], `options.${field}`);
      for (const [key, list] of Object.entries(byColumn)) r.strings(list, `options.${field}.${key}`);
      return byColumn as Record<number, string[]>;
    };
    if (!Array.isArray(s.stats)) r.fail('state.stats', 'an array (per feature, its statistics or null)', s.stats);
    return DiverseCounterfactuals.fromState(predictor as Predictor<number[]>, {
      featureNames: r.strings(o.featureNames, 'options.featureNames'),
      categoryMap: names('categoryMap'),
      order: names('order'),
      seed: r.seed(o.seed, 'options.seed'),
      stats: s.stats as FeatureStats,
      values: Float64Array.from(r.typedArray(s.values, 'state.values', ['float32', 'float64'])),
      ...(o.task === undefined
        ? { classes: r.typedArray(s.classes, 'state.classes', ['int32']) as Int32Array }
        : { task: r.literal(o.task, 'options.task', 'regression'), predictions: r.typedArray(s.predictions, 'state.predictions', ['float64']) as Float64Array }),
    });
  },
  describeInstance: ({ schema }) => `a row of ${schema.numFeatures} values (numbers, or names for the categorical features), or an object keyed by feature name`,
  instanceShape: ({ schema }) => [schema.numFeatures],
  explain: (explainer, instance, options) => explainer.explain(instance as number[], options as DiverseExplainOptions),
};

/** The options `AnchorText.toState` keeps for each sampling. */
const TEXT_STATE_KEYS: Record<TextSampling, readonly string[]> = {
  unknown: ['seed', 'sampling', 'sampleProba'],
  similarity: ['seed', 'sampling', 'sampleProba', 'topN', 'useProba', 'temperature', 'embeddings'],
  language_model: ['seed', 'sampling', 'sampleProba', 'topN', 'useProba', 'temperature', 'fillMask', 'fracMaskTemplates', 'stopwords'],
};

/** The file a `ContextFillMask` of an AnchorText is saved in. */
const FILL_MASK_FILE = 'fill-mask.json';

const text: ExplainerCodec<AnchorText> = {
  type: 'AnchorText',
  is: (e): e is AnchorText => e instanceof AnchorText,
  save(explainer) {
    const { fillMask } = explainer.resources;
    if (!(fillMask instanceof ContextFillMask)) return { options: { ...explainer.toState() }, state: {} };
    return { options: { ...explainer.toState() }, state: { fillMaskFile: FILL_MASK_FILE }, files: { [FILL_MASK_FILE]: fillMask.toJSON() } };
  },
  async restore(o, s, { r, predictor, load, readJson }) {
    const sampling = r.string(o.sampling, 'options.sampling');
    if (Object.hasOwn(TEXT_STATE_KEYS, sampling)) r.requireKeys(o, 'options', TEXT_STATE_KEYS[sampling as TextSampling]);
    let { embeddings, fillMask } = load;
    // Word vectors not passed are looked up by the name saved (glassbox/demo's bundledEmbeddings finds the bundled GloVe).
    if (sampling === 'similarity' && embeddings === undefined && typeof o.embeddings === 'string') embeddings = load.findEmbeddings?.(o.embeddings);
    if (sampling === 'language_model' && fillMask === undefined && s.fillMaskFile !== undefined) {
      r.literal(s.fillMaskFile, 'state.fillMaskFile', FILL_MASK_FILE);
      fillMask = ContextFillMask.fromJSON(await readJson(FILL_MASK_FILE), FILL_MASK_FILE);
    }
    return AnchorText.fromState(predictor as Predictor<string>, o as unknown as AnchorTextState, { embeddings, fillMask });
  },
  describeInstance: () => 'a string',
  instanceShape: () => 'string',
  explain: (explainer, instance, options) => explainer.explain(instance as string, options as AnchorTextExplainOptions),
};

const image: ExplainerCodec<AnchorImage> = {
  type: 'AnchorImage',
  is: (e): e is AnchorImage => e instanceof AnchorImage,
  save(explainer) {
    const { backgrounds, ...options } = explainer.toState();
    return { options: { ...options }, state: { backgrounds } };
  },
  async restore(o, s, { r, predictor, load }) {
    r.requireKeys(o, 'options', ['fill']);
    const state: AnchorImageState = {
      shape: r.numbers(o.shape, 'options.shape', 3) as [number, number, number],
      segmentation: r.string(o.segmentation, 'options.segmentation') as AnchorImageState['segmentation'],
      segmentationOptions: r.object(o.segmentationOptions, 'options.segmentationOptions'),
      fill: o.fill as AnchorImageState['fill'],
      seed: r.seed(o.seed, 'options.seed'),
      backgrounds: r.typedArray(s.backgrounds, 'state.backgrounds', ['float32']) as Float32Array,
      task: o.task as Task | undefined, // checked by the explainer
    };
    return AnchorImage.fromState(predictor as Predictor<Image>, state, load.segmentation);
  },
  describeInstance: ({ shape }) =>
    `an image of shape [${shape.join(', ')}]: nested arrays [height][width][channels], or ${shape[0] * shape[1] * shape[2]} numbers flat`,
  instanceShape: ({ shape }) => [...shape],
  explain: (explainer, instance, options) => explainer.explain(instance as ImageInput, options as AnchorImageExplainOptions),
};

/** Counterfactual and CEM take their options when constructed, none when explaining. */
function describeShape(shape: readonly number[]): string {
  return `an instance of shape [${shape.join(', ')}]: ${shape.reduce((a, b) => a * b, 1)} numbers, flat or nested`;
}

/**
 * How Counterfactual and CEM explain once restored: an instance of their shape, with no explain
 * options (theirs were fixed when they were saved).
 */
function fixedOptionsExplain<E extends Counterfactual | CEM>(type: string): Pick<ExplainerCodec<E>, 'describeInstance' | 'instanceShape' | 'explain'> {
  return {
    describeInstance: (explainer) => describeShape(explainer.toState().shape),
    instanceShape: (explainer) => [...explainer.toState().shape],
    async explain(explainer, instance, options) {
      const given = Object.keys(options);
      if (given.length > 0) {
        throw new InvalidInputError(`${type} takes no explain options (received ${given.join(', ')}); its options were fixed when it was saved`);
      }
      return explainer.explain(instance as InstanceInput);
    },
  };
}

const counterfactual: ExplainerCodec<Counterfactual> = {
  type: 'Counterfactual',
  is: (e): e is Counterfactual => e instanceof Counterfactual,
  save: (explainer) => ({ options: { ...explainer.toState() }, state: {} }),
  async restore(o, _s, { r, predictor }) {
    r.requireKeys(o, 'options', [...Object.keys(COUNTERFACTUAL_DEFAULTS), 'shape', 'constraints']);
    return Counterfactual.fromState(predictor as Predictor<number[]>, o as unknown as CounterfactualState);
  },
  ...fixedOptionsExplain<Counterfactual>('Counterfactual'),
};

const cem: ExplainerCodec<CEM> = {
  type: 'CEM',
  is: (e): e is CEM => e instanceof CEM,
  save(explainer) {
    const { noInfoVal, ae, ...options } = explainer.toState();
    return { options, state: { ...(noInfoVal !== undefined && { noInfoVal }), ae }, models: explainer.tfModels };
  },
  async restore(o, s, { r, predictor, load, models }) {
    r.requireKeys(o, 'options', [...Object.keys(CEM_DEFAULTS), 'mode', 'shape', 'constraints']);
    const ae = r.boolean(s.ae, 'state.ae');
    const noInfoVal = s.noInfoVal === undefined ? undefined : r.typedArray(s.noInfoVal, 'state.noInfoVal', ['float32']) as Float32Array;
    const state = { ...o, ...(noInfoVal !== undefined && { noInfoVal }), ae } as CEMState;
    return CEM.fromState(predictor as Predictor<number[]>, state, load.ae ?? models.ae);
  },
  ...fixedOptionsExplain<CEM>('CEM'),
};

/**
 * CounterfactualProto: options as JSON; what `fit` learned (predicted classes, training points or
 * encodings as binary arrays, category distances as JSON) under `state`. The encoder and autoencoder
 * are passed on loading, as the model is.
 */
const proto: ExplainerCodec<CounterfactualProto> = {
  type: 'CounterfactualProto',
  is: (e): e is CounterfactualProto => e instanceof CounterfactualProto,
  save(explainer) {
    const { fitted, ae, encoder, ...options } = explainer.toState();
    return { options, state: { ae, encoder, ...(fitted !== undefined && { fitted: { ...fitted } }) }, models: explainer.tfModels };
  },
  async restore(o, s, { r, predictor, load, models }) {
    r.requireKeys(o, 'options', [...Object.keys(COUNTERFACTUAL_PROTO_DEFAULTS), 'shape', 'constraints', 'encoding']);
    const ae = r.boolean(s.ae, 'state.ae');
    const encoder = r.boolean(s.encoder, 'state.encoder');
    let fitted: ProtoFittedState | undefined;
    if (s.fitted !== undefined) {
      const f = r.object(s.fitted, 'state.fitted');
      fitted = {
        classes: r.typedArray(f.classes, 'state.fitted.classes', ['int32']) as Int32Array,
        ...(f.points !== undefined && { points: r.typedArray(f.points, 'state.fitted.points', ['float32']) as Float32Array }),
        ...(f.codes !== undefined && { codes: r.typedArray(f.codes, 'state.fitted.codes', ['float32']) as Float32Array }),
        ...(f.categorical !== undefined && { categorical: r.object(f.categorical, 'state.fitted.categorical') as unknown as ProtoFittedState['categorical'] }),
      };
    }
    const state = { ...o, ae, encoder, ...(fitted !== undefined && { fitted }) } as CounterfactualProtoState;
    return CounterfactualProto.fromState(predictor as Predictor<number[]>, state, { encoder: load.encoder ?? models.encoder, ae: load.ae ?? models.ae });
  },
  describeInstance: (explainer) => describeShape(explainer.toState().shape),
  instanceShape: (explainer) => [...explainer.toState().shape],
  explain: (explainer, instance, options) => explainer.explain(instance as InstanceInput, options as ProtoExplainOptions),
  scaled: {
    check(explainer, scaling) {
      const { shape } = explainer.toState();
      if (shape.length !== 1 || shape[0] !== scaling.size) {
        throw new InvalidInputError(`inputScaling scales rows of ${scaling.size} values, but the CounterfactualProto explains instances of shape [${shape.join(', ')}]; expected [${scaling.size}]`);
      }
      const categorical = Object.keys(explainer.toState().categoryMap ?? {}).map(Number).filter((f) => scaling.isScaled(f));
      if (categorical.length > 0) {
        throw new InvalidInputError(`inputScaling scales column ${categorical[0]}, which is categorical (in categoryMap); expected numeric columns only`);
      }
    },
    unscale: (explanation, scaling) => unscaleProto(explanation as Explanation<CounterfactualProtoData>, scaling),
  },
};

/**
 * A CounterfactualProto explanation of a scaled row, in the model's encoding: the counterfactual
 * `cf.X` and `raw.instance` unscaled, and `cf.changes` with unscaled numbers, leaving out changes the
 * model does not see (a scaled number that unscales to the same whole number). The distances (`l1`,
 * `l2`, `distance`), `changed` and the prototype stay in the optimiser's scaled space, and
 * `meta.params.input_scaling` holds the scaling.
 */
function unscaleProto(explanation: Explanation<CounterfactualProtoData>, scaling: MinMaxScaling): Explanation<CounterfactualProtoData> {
  const { meta, data } = explanation;
  const value = (f: number, v: string | number) => (typeof v === 'number' ? scaling.unscaleValue(f, v) : v);
  const cf =
    data.cf === null
      ? null
      : {
          ...data.cf,
          X: scaling.unscale(data.cf.X as number[]),
          ...(data.cf.changes !== undefined && {
            changes: data.cf.changes.flatMap((c) => {
              const [from, to] = [value(c.feature, c.from), value(c.feature, c.to)];
              return from === to ? [] : [{ ...c, from, to, text: `${c.name}: ${from} -> ${to}` }];
            }),
          }),
        };
  return {
    meta: { ...meta, params: { ...meta.params, input_scaling: scaling.toJSON() } },
    data: { ...data, cf, raw: { ...data.raw, instance: scaling.unscale(data.raw.instance as number[]) } },
  };
}

export const CODECS: Record<ExplainerType, ExplainerCodec> = {
  AnchorTabular: tabular,
  AnchorText: text,
  AnchorImage: image,
  Counterfactual: counterfactual,
  CEM: cem,
  CounterfactualProto: proto,
  DiverseCounterfactuals: diverse,
} as Record<ExplainerType, ExplainerCodec>;
