import {
  concatBytes,
  fieldInt64s,
  fields,
  fieldString,
  lenField,
  stringField,
  varintField,
  type WireField,
} from './protobuf-wire.js';

/**
 * Reading and rewriting the main graph of an ONNX model (`onnx.proto`, https://github.com/onnx/onnx,
 * IR version 3 and later), as much as {@link onnxPredictor} needs: which classes a classifier declares,
 * and replacing ZipMap outputs by the probability tensors they are made from.
 *
 * Why the rewrite: scikit-learn classifiers exported to ONNX (skl2onnx, onnxmltools) by default end in
 * a ZipMap node (ai.onnx.ml) that turns the `[N, classes]` probability tensor into a sequence of maps
 * `{class: probability}`, and onnxruntime-node returns only tensors ("Non tensor type is temporarily
 * not supported"). Dropping the ZipMap and making its input a graph output gives the same numbers, in
 * the class order the ZipMap declares.
 *
 * Field numbers below are those of onnx.proto: ModelProto.graph = 7; GraphProto.node = 1,
 * output = 12; NodeProto.input = 1, output = 2, op_type = 4, attribute = 5, domain = 7;
 * AttributeProto.name = 1, s = 4, ints = 8, strings = 9; ValueInfoProto.name = 1, type = 2;
 * TypeProto.tensor_type = 1; TypeProto.Tensor.elem_type = 1, shape = 2; TensorShapeProto.dim = 1;
 * Dimension.dim_value = 1, dim_param = 2; TensorProto.DataType FLOAT = 1.
 */

/** A class label as a classifier declares it: an integer or a string. */
export type ClassLabel = number | string;

/** One node of the main graph. */
export interface OnnxNode {
  opType: string;
  /** The operator set domain; `''` is the default domain (ai.onnx). */
  domain: string;
  inputs: string[];
  outputs: string[];
  /** The class labels in its `classlabels_int64s`, `classlabels_ints` or `classlabels_strings` attribute. */
  classes?: ClassLabel[];
  /** A TreeEnsembleClassifier's distinct `class_ids` (the classes its leaves carry weights for), sorted. */
  weightClassIds?: number[];
  /** A TreeEnsembleClassifier's `post_transform` (`NONE` when the attribute is absent). */
  postTransform?: string;
}

/** The main graph of a model: its nodes and the names of its outputs, in order. */
export interface OnnxGraph {
  nodes: OnnxNode[];
  outputs: string[];
}

/** A ZipMap node whose output is a graph output and feeds no other node: one {@link exposeZipMapInputs} can drop. */
export interface ZipMapOutput {
  /** The graph output (a sequence of maps). */
  output: string;
  /** The probability tensor it is made from. */
  input: string;
  classes: ClassLabel[];
}

const CLASS_ATTRIBUTES = new Set(['classlabels_int64s', 'classlabels_ints', 'classlabels_strings']);

/** Reads the main graph of the ONNX model in `bytes`. Throws a plain `Error` when they are not one. */
export function readOnnxGraph(bytes: Uint8Array): OnnxGraph {
  const graph = graphField(bytes);
  const nodes: OnnxNode[] = [];
  const outputs: string[] = [];
  for (const f of fields(bytes, graph.valueStart, graph.end)) {
    if (f.field === 1 && f.wireType === 2) nodes.push(readNode(bytes, f));
    else if (f.field === 12 && f.wireType === 2) outputs.push(valueInfoName(bytes, f));
  }
  return { nodes, outputs };
}

/**
 * The class labels behind the tensor `name`: those declared by the node that produces it, looking
 * through Identity and Cast nodes; `undefined` when that node declares none.
 */
export function classesOf(graph: OnnxGraph, name: string): ClassLabel[] | undefined {
  return producerOf(graph, name)?.classes;
}

/** The node producing the tensor `name`, looking through Identity and Cast nodes; `undefined` for a graph input. */
export function producerOf(graph: OnnxGraph, name: string): OnnxNode | undefined {
  let tensor = name;
  for (let hops = 0; hops <= graph.nodes.length; hops++) {
    const node = graph.nodes.find((n) => n.outputs.includes(tensor));
    if (node === undefined || (node.opType !== 'Identity' && node.opType !== 'Cast') || node.domain !== '') return node;
    tensor = node.inputs[0];
  }
  return undefined;
}

/** The ONNX-ML operators of regression models (ai.onnx.ml, opset 1 to 5). */
const REGRESSORS = new Set(['TreeEnsembleRegressor', 'LinearRegressor', 'SVMRegressor']);

/**
 * What a model is, as glassbox must know before explaining it: `'regressor'` when the output read is
 * made by a regression operator, or is skl2onnx's regressor output `variable` beside no label output;
 * `'classifier'` otherwise (a classifier's scores or labels).
 */
export function modelTask(graph: OnnxGraph, output: string, hasLabelOutput: boolean): 'classifier' | 'regressor' {
  const node = producerOf(graph, output);
  if (node !== undefined && node.domain === 'ai.onnx.ml' && REGRESSORS.has(node.opType)) return 'regressor';
  return output === 'variable' && !hasLabelOutput ? 'regressor' : 'classifier';
}

/**
 * Whether the probabilities `name` are a binary TreeEnsembleClassifier's whose leaves carry weights
 * for class id 1 only, with no post-transform: onnxruntime then returns `[0, p]` (it completes
 * `[1 - p, p]` only for weights on class id 0, as skl2onnx writes them), while its label is that of
 * `[1 - p, p]`.
 */
export function scoresOnlyClassOne(graph: OnnxGraph, name: string): boolean {
  const node = producerOf(graph, name);
  return (
    node !== undefined &&
    node.opType === 'TreeEnsembleClassifier' &&
    node.domain === 'ai.onnx.ml' &&
    node.classes?.length === 2 &&
    node.postTransform === 'NONE' &&
    node.weightClassIds?.length === 1 &&
    node.weightClassIds[0] === 1
  );
}

/** The ZipMap nodes (ai.onnx.ml) whose output is a graph output read by no other node. */
export function zipMapOutputs(graph: OnnxGraph): ZipMapOutput[] {
  return graph.nodes
    .filter((n) => n.opType === 'ZipMap' && n.domain === 'ai.onnx.ml' && n.inputs.length === 1 && n.outputs.length === 1)
    .filter((n) => graph.outputs.includes(n.outputs[0]) && !graph.nodes.some((m) => m.inputs.includes(n.outputs[0])))
    .map((n) => ({ output: n.outputs[0], input: n.inputs[0], classes: n.classes ?? [] }));
}

/**
 * The model in `bytes` with the given ZipMap nodes removed and each of their graph outputs replaced,
 * at the same position, by the float tensor `[N, classes]` the ZipMap read. Every other byte of the
 * model is copied as is.
 */
export function exposeZipMapInputs(bytes: Uint8Array, zipMaps: readonly ZipMapOutput[]): Uint8Array {
  const byOutput = new Map(zipMaps.map((z) => [z.output, z]));
  const graph = graphField(bytes);
  const graphParts: Uint8Array[] = [];
  const exposed = new Set<string>();
  const existingOutputs = new Set(readOnnxGraph(bytes).outputs);
  for (const f of fields(bytes, graph.valueStart, graph.end)) {
    const raw = bytes.subarray(f.start, f.end);
    if (f.field === 1 && f.wireType === 2) {
      const node = readNode(bytes, f);
      const zipMap = byOutput.get(node.outputs[0]);
      if (node.opType === 'ZipMap' && node.domain === 'ai.onnx.ml' && zipMap !== undefined) continue;
    } else if (f.field === 12 && f.wireType === 2) {
      const zipMap = byOutput.get(valueInfoName(bytes, f));
      if (zipMap !== undefined) {
        // The probability tensor may already be a graph output, or feed two ZipMaps: expose it once.
        if (!existingOutputs.has(zipMap.input) && !exposed.has(zipMap.input)) {
          graphParts.push(lenField(12, probabilityValueInfo(zipMap.input, zipMap.classes.length)));
          exposed.add(zipMap.input);
        }
        continue;
      }
    }
    graphParts.push(raw);
  }
  const modelParts: Uint8Array[] = [];
  for (const f of fields(bytes)) {
    modelParts.push(f.start === graph.start ? lenField(7, concatBytes(graphParts)) : bytes.subarray(f.start, f.end));
  }
  return concatBytes(modelParts);
}

/** The ModelProto's graph field; throws when there is none. */
function graphField(bytes: Uint8Array): WireField {
  let graph: WireField | undefined;
  for (const f of fields(bytes)) {
    if (f.field === 7 && f.wireType === 2) graph = f;
  }
  if (graph === undefined) throw new Error('no graph (ModelProto field 7)');
  return graph;
}

function readNode(bytes: Uint8Array, node: WireField): OnnxNode {
  const out: OnnxNode = { opType: '', domain: '', inputs: [], outputs: [] };
  for (const f of fields(bytes, node.valueStart, node.end)) {
    if (f.wireType !== 2) continue;
    if (f.field === 1) out.inputs.push(fieldString(bytes, f));
    else if (f.field === 2) out.outputs.push(fieldString(bytes, f));
    else if (f.field === 4) out.opType = fieldString(bytes, f);
    else if (f.field === 7) out.domain = fieldString(bytes, f);
    else if (f.field === 5) readAttribute(bytes, f, out);
  }
  if (out.opType === 'TreeEnsembleClassifier') {
    out.postTransform ??= 'NONE';
    out.weightClassIds = [...new Set(out.weightClassIds)].sort((a, b) => a - b);
  } else {
    delete out.postTransform;
    delete out.weightClassIds;
  }
  return out;
}

/** Reads into `node` the attributes it keeps: class labels, and a tree ensemble's `class_ids` and `post_transform`. */
function readAttribute(bytes: Uint8Array, attribute: WireField, node: OnnxNode): void {
  // The name first, so that the large attributes of tree ensembles (tens of thousands of node ids)
  // are skipped rather than decoded.
  let name = '';
  for (const f of fields(bytes, attribute.valueStart, attribute.end)) {
    if (f.field === 1 && f.wireType === 2) {
      name = fieldString(bytes, f);
      break;
    }
  }
  if (!CLASS_ATTRIBUTES.has(name) && name !== 'class_ids' && name !== 'post_transform') return;
  const ints: bigint[] = [];
  const strings: string[] = [];
  for (const f of fields(bytes, attribute.valueStart, attribute.end)) {
    if (f.field === 8) ints.push(...fieldInt64s(bytes, f));
    else if ((f.field === 9 || f.field === 4) && f.wireType === 2) strings.push(fieldString(bytes, f));
  }
  if (name === 'class_ids') node.weightClassIds = ints.map(Number);
  else if (name === 'post_transform') node.postTransform = strings[0] ?? 'NONE';
  else node.classes = name === 'classlabels_strings' ? strings : ints.map(Number);
}

function valueInfoName(bytes: Uint8Array, valueInfo: WireField): string {
  for (const f of fields(bytes, valueInfo.valueStart, valueInfo.end)) {
    if (f.field === 1 && f.wireType === 2) return fieldString(bytes, f);
  }
  return '';
}

/** ValueInfoProto of a float tensor `name` of shape `[N, classes]`. */
function probabilityValueInfo(name: string, classes: number): Uint8Array {
  const dims = [lenField(1, stringField(2, 'N')), lenField(1, classes > 0 ? varintField(1, classes) : new Uint8Array(0))];
  const tensorType = concatBytes([varintField(1, 1), lenField(2, concatBytes(dims))]);
  return concatBytes([stringField(1, name), lenField(2, lenField(1, tensorType))]);
}
