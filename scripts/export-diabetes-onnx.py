#!/usr/bin/python3
"""Exports the bundled diabetes regressor (models/diabetes-gbt.json) to ONNX as a TreeEnsembleRegressor.

    npx tsx scripts/train-diabetes-model.ts
    /usr/bin/python3 scripts/export-diabetes-onnx.py

Needs Debian's python3-onnx (`apt-get install python3-onnx`); no scikit-learn. The graph is built by
hand with onnx.helper from the trees of the glassbox model, so that the ONNX model and the TypeScript
model are the same function (up to float32 arithmetic):

- models/onnx/diabetes-gbt.onnx: one TreeEnsembleRegressor (ai.onnx.ml), aggregate SUM, base value
  the model's baseScore, no post-transform; a split sends a row to its true branch when
  `x <= threshold` (BRANCH_LEQ), as `GradientBoostedTrees` does. Input `X`, float32 [N, 10] (the
  features of `loadDiabetes()`, in order); output `variable`, float32 [N, 1], as skl2onnx names a
  regressor's output.

Deterministic: the same JSON gives the same bytes.
"""
import json
import os

import onnx
from onnx import TensorProto, helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
SOURCE = os.path.join(ROOT, 'models', 'diabetes-gbt.json')
TARGET = os.path.join(ROOT, 'models', 'onnx', 'diabetes-gbt.onnx')
# ai.onnx 17 (onnx 1.12's newest) and ai.onnx.ml 3, where TreeEnsembleRegressor has these attributes.
OPSETS = [helper.make_opsetid('', 17), helper.make_opsetid('ai.onnx.ml', 3)]


def main():
    with open(SOURCE) as f:
        model = json.load(f)
    assert model['objective'] == 'reg:squarederror', model['objective']
    n_features = model['featureCount']
    attrs = {k: [] for k in ['nodes_treeids', 'nodes_nodeids', 'nodes_featureids', 'nodes_values', 'nodes_modes',
                             'nodes_truenodeids', 'nodes_falsenodeids', 'target_treeids', 'target_nodeids',
                             'target_ids', 'target_weights']}
    for t, tree in enumerate(model['trees']):
        for node, feature in enumerate(tree['feature']):
            leaf = feature < 0
            attrs['nodes_treeids'].append(t)
            attrs['nodes_nodeids'].append(node)
            attrs['nodes_featureids'].append(0 if leaf else feature)
            attrs['nodes_values'].append(0.0 if leaf else float(tree['threshold'][node]))
            attrs['nodes_modes'].append('LEAF' if leaf else 'BRANCH_LEQ')
            attrs['nodes_truenodeids'].append(0 if leaf else tree['left'][node])
            attrs['nodes_falsenodeids'].append(0 if leaf else tree['right'][node])
            if leaf:
                attrs['target_treeids'].append(t)
                attrs['target_nodeids'].append(node)
                attrs['target_ids'].append(0)
                attrs['target_weights'].append(float(tree['value'][node]))
    trees = helper.make_node('TreeEnsembleRegressor', ['X'], ['variable'], domain='ai.onnx.ml', n_targets=1,
                             aggregate_function='SUM', post_transform='NONE', base_values=[float(model['baseScore'])],
                             **attrs)
    graph = helper.make_graph(
        [trees], 'diabetes_gbt',
        [helper.make_tensor_value_info('X', TensorProto.FLOAT, ['N', n_features])],
        [helper.make_tensor_value_info('variable', TensorProto.FLOAT, ['N', 1])])
    onnx_model = helper.make_model(graph, opset_imports=OPSETS, producer_name='glassbox scripts/export-diabetes-onnx.py')
    onnx_model.ir_version = 8
    onnx_model.doc_string = ('Gradient-boosted trees (squared error) predicting diabetes progression y from '
                             'age, sex, bmi, bp, s1..s6 (models/diabetes-gbt.json)')
    onnx.checker.check_model(onnx_model)
    onnx.save(onnx_model, TARGET)
    print(f'wrote {TARGET} ({os.path.getsize(TARGET)} bytes)')


if __name__ == '__main__':
    main()
