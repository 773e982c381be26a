import { InvalidInputError } from '../../core/errors.js';

/**
 * A segmentation of an image into superpixels: one label per pixel, row-major, labels `0..count−1`,
 * every label used.
 */
export interface Segments {
  readonly height: number;
  readonly width: number;
  /** Number of segments K; labels are 0..K−1. */
  readonly count: number;
  /** The label of the pixel at row y, column x is `labels[y * width + x]`. */
  readonly labels: Int32Array;
}

/** A label image as a user's segmentation function may return it: flat row-major, or nested `[h][w]`. */
export type LabelImageInput = ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/**
 * Checks the label image a user's segmentation function returned for an image of `height × width`
 * pixels: one integer label per pixel, labels `0..K−1` with every one of them used (a label without
 * pixels would be a superpixel that perturbs nothing). Segments need not be connected.
 *
 * @throws InvalidInputError naming what is wrong, and what was expected.
 */
export function checkLabelImage(output: unknown, height: number, width: number, what = 'the segmentation function'): Segments {
  const n = height * width;
  if (output === null || typeof output !== 'object' || typeof (output as ArrayLike<unknown>).length !== 'number') {
    throw new InvalidInputError(
      `${what} returned ${output === null ? 'null' : typeof output}; expected a label image: ${height} rows of ${width} integer labels, or ${n} labels row-major`,
    );
  }
  const arr = output as ArrayLike<unknown>;
  const labels = new Int32Array(n);
  const nested = arr.length > 0 && typeof arr[0] === 'object' && arr[0] !== null;
  if (nested) {
    if (arr.length !== height) throw new InvalidInputError(`${what} returned ${arr.length} rows of labels; expected ${height}, one per image row`);
    for (let y = 0; y < height; y++) {
      const row = arr[y] as ArrayLike<unknown>;
      if (row === null || typeof row !== 'object' || row.length !== width) {
        throw new InvalidInputError(`${what} returned row ${y} with ${row?.length ?? 'no'} labels; expected ${width}, one per pixel`);
      }
      for (let x = 0; x < width; x++) labels[y * width + x] = labelAt(row[x], what, y, x);
    }
  } else {
    if (arr.length !== n) {
      throw new InvalidInputError(`${what} returned ${arr.length} labels; expected ${n} (${height}x${width}), one per pixel`);
    }
    for (let i = 0; i < n; i++) labels[i] = labelAt(arr[i], what, Math.floor(i / width), i % width);
  }
  let max = -1;
  for (let i = 0; i < n; i++) if (labels[i] > max) max = labels[i];
  const used = new Uint8Array(max + 1);
  for (let i = 0; i < n; i++) used[labels[i]] = 1;
  const missing = used.indexOf(0);
  if (missing >= 0) {
    throw new InvalidInputError(
      `${what} returned labels up to ${max} but no pixel has label ${missing}; expected labels 0..K-1 with every label used ` +
        '(renumber them with relabelSequential)',
    );
  }
  return { height, width, count: max + 1, labels };
}

function labelAt(v: unknown, what: string, y: number, x: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
    throw new InvalidInputError(`${what} returned ${typeof v === 'number' ? v : v === null ? 'null' : typeof v} as the label of pixel (row ${y}, column ${x}); expected an integer >= 0`);
  }
  return v;
}

/**
 * Renumbers arbitrary integer labels to `0..K−1` in the order of their first pixel (row-major), so that
 * any label image becomes a valid {@link Segments}; for example scikit-image's labels that start at 1.
 */
export function relabelSequential(labels: ArrayLike<number>, height: number, width: number): Segments {
  if (labels.length !== height * width) {
    throw new InvalidInputError(`relabelSequential got ${labels.length} labels; expected ${height * width} (${height}x${width})`);
  }
  const ids = new Map<number, number>();
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let id = ids.get(labels[i]);
    if (id === undefined) {
      id = ids.size;
      ids.set(labels[i], id);
    }
    out[i] = id;
  }
  return { height, width, count: ids.size, labels: out };
}

/**
 * The 4-connected components of a label image (pixels sharing an edge and a label), numbered in the
 * row-major order of their first pixel. Returns the component of each pixel and each component's size.
 */
export function connectedComponents(labels: Int32Array, height: number, width: number): { component: Int32Array; sizes: number[] } {
  const n = height * width;
  const component = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  const sizes: number[] = [];
  for (let start = 0; start < n; start++) {
    if (component[start] >= 0) continue;
    const id = sizes.length;
    const label = labels[start];
    component[start] = id;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    while (head < tail) {
      const p = queue[head++];
      const x = p % width;
      if (x > 0 && component[p - 1] < 0 && labels[p - 1] === label) (component[p - 1] = id), (queue[tail++] = p - 1);
      if (x < width - 1 && component[p + 1] < 0 && labels[p + 1] === label) (component[p + 1] = id), (queue[tail++] = p + 1);
      if (p >= width && component[p - width] < 0 && labels[p - width] === label) (component[p - width] = id), (queue[tail++] = p - width);
      if (p + width < n && component[p + width] < 0 && labels[p + width] === label) (component[p + width] = id), (queue[tail++] = p + width);
    }
    sizes.push(tail);
  }
  return { component, sizes };
}

/**
 * Makes every segment 4-connected and at least `minSize` pixels, the post-processing step of SLIC that
 * reassigns stray pixels to nearby superpixels (Achanta et al., 2012, §3; scikit-image's
 * `enforce_connectivity`, whose minimum size is the same `min_size_factor` × average segment size): each connected piece of a
 * label becomes a segment of its own, and a piece smaller than `minSize` joins the segment of the pixel
 * left of (or else above) its first pixel, which always belongs to a piece met earlier. Merging into an
 * adjacent segment keeps segments connected. The piece holding the top-left pixel has no earlier
 * neighbour and stays whatever its size. Labels are renumbered 0..K−1 in row-major order of first pixels.
 */
export function enforceConnectivity(labels: Int32Array, height: number, width: number, minSize: number): Segments {
  const { component, sizes } = connectedComponents(labels, height, width);
  const final = new Int32Array(sizes.length).fill(-1);
  const seen = new Uint8Array(sizes.length);
  let count = 0;
  for (let p = 0; p < labels.length; p++) {
    const c = component[p];
    if (seen[c]) continue;
    seen[c] = 1;
    if (sizes[c] >= minSize || p === 0) final[c] = count++;
    else final[c] = final[component[p % width > 0 ? p - 1 : p - width]];
  }
  const out = new Int32Array(labels.length);
  for (let p = 0; p < labels.length; p++) out[p] = final[component[p]];
  return { height, width, count, labels: out };
}

/** Splits every segment into its 4-connected pieces, each a segment of its own (no merging). */
export function splitDisconnected(labels: Int32Array, height: number, width: number): Segments {
  return enforceConnectivity(labels, height, width, 0);
}
