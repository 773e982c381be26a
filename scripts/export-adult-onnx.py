#!/usr/bin/python3
"""Trains two scikit-learn classifiers on the bundled Adult data and exports them to ONNX.

    npx tsx scripts/write-adult-csv.ts --encoded-dir /tmp/glassbox-adult
    /usr/bin/python3 scripts/export-adult-onnx.py /tmp/glassbox-adult

Needs Debian's python3-sklearn and python3-onnx (`apt-get install python3-sklearn python3-onnx`).
skl2onnx is not packaged by Debian, so the ONNX graphs are built by hand with onnx.helper from the
fitted models' parameters, with the operators of the ONNX-ML domain that skl2onnx emits for them:

- models/onnx/adult-rf.onnx: a random forest (sklearn RandomForestClassifier) as a
  TreeEnsembleClassifier. Input `X`, float32 [N, 12] (the 12 features coded as `loadAdult()` codes
  them); outputs `output_label` (int64 [N]) and `output_probability`, a sequence of maps
  {class: probability} made by ZipMap, as skl2onnx exports classifiers by default.
- models/onnx/adult-logreg.onnx: a logistic regression (sklearn LogisticRegression) on one-hot
  categories and standardised numbers, trained on the class names as targets. The one-hot encoding
  and the scaling are part of the graph. Input `X`, float64 [N, 12]; outputs `label` (string [N]) and
  `probabilities` (float32 [N, 2]), a plain tensor.
- models/onnx/adult-heldout.json: the first HELD_OUT rows of the test split (coded) with each model's
  scikit-learn predictions (`predict`) and probabilities (`predict_proba`), so that tests can check the
  ONNX models against the models that were exported, without Python.

Deterministic: fixed random_state; the same files on every run with the same library versions.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression

HELD_OUT = 500
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'models', 'onnx')
# Opsets: ai.onnx 17 (onnx 1.12's newest) and ai.onnx.ml 3, where TreeEnsembleClassifier,
# LinearClassifier and ZipMap have the attributes used here.
OPSETS = [helper.make_opsetid('', 17), helper.make_opsetid('ai.onnx.ml', 3)]

# Random forest: 100 trees of depth <= 10 with >= 10 rows per leaf: about 1.4 MB.
RF_PARAMS = dict(n_estimators=100, max_depth=10, min_samples_leaf=10, random_state=0, n_jobs=1)
# Logistic regression: scikit-learn's default penalty (C = 1) with enough iterations to converge.
LR_PARAMS = dict(C=1.0, max_iter=2000)


def read_split(directory, name):
    data = np.loadtxt(os.path.join(directory, f'{name}.csv'), delimiter=',', skiprows=1)
    return data[:, :-1], data[:, -1].astype(np.int64)


def save(model, name):
    onnx.checker.check_model(model)
    path = os.path.join(OUT_DIR, name)
    onnx.save(model, path)
    print(f'wrote {path} ({os.path.getsize(path)} bytes)')


def save_json(value, name):
    """Writes `value` as one line of JSON to OUT_DIR/name; returns the file's path."""
    path = os.path.join(OUT_DIR, name)
    with open(path, 'w') as f:
        json.dump(value, f)
        f.write('\n')
    return path


def make_model(graph, doc):
    model = helper.make_model(graph, opset_imports=OPSETS, producer_name='glassbox scripts/export-adult-onnx.py')
    model.ir_version = 8
    model.doc_string = doc
    return model


def sequence_of_maps_type(key_type=TensorProto.INT64):
    """seq(map(key_type, float)): the type of ZipMap's output, keyed by int64 or string class labels (onnx
    1.12 has no helper for map types)."""
    map_type = onnx.TypeProto()
    map_type.map_type.key_type = key_type
    map_type.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, []))
    return helper.make_sequence_type_proto(map_type)


def tree_nodes(tree, t, attrs):
    """Appends the nodes of one fitted sklearn tree (x <= threshold goes left) to `attrs`; returns its leaves."""
    leaves = []
    for node in range(tree.node_count):
        leaf = tree.children_left[node] == -1
        attrs['nodes_treeids'].append(t)
        attrs['nodes_nodeids'].append(node)
        attrs['nodes_featureids'].append(0 if leaf else int(tree.feature[node]))
        attrs['nodes_values'].append(0.0 if leaf else float(tree.threshold[node]))
        attrs['nodes_modes'].append('LEAF' if leaf else 'BRANCH_LEQ')
        attrs['nodes_truenodeids'].append(0 if leaf else int(tree.children_left[node]))
        attrs['nodes_falsenodeids'].append(0 if leaf else int(tree.children_right[node]))
        if leaf:
            leaves.append(node)
    return leaves


def ensemble_attrs(prefix):
    """Empty attribute lists of a tree ensemble: the nodes', and the leaves' (`class` or `target` as `prefix`)."""
    names = ['nodes_treeids', 'nodes_nodeids', 'nodes_featureids', 'nodes_values', 'nodes_modes',
             'nodes_truenodeids', 'nodes_falsenodeids', f'{prefix}_treeids', f'{prefix}_nodeids', f'{prefix}_ids',
             f'{prefix}_weights']
    return {k: [] for k in names}


def export_forest(forest, n_features):
    """RandomForestClassifier -> TreeEnsembleClassifier + ZipMap.

    sklearn's forest averages the trees' leaf class frequencies (predict_proba) and predicts their
    argmax. TreeEnsembleClassifier sums leaf weights over trees (aggregate SUM, no post-transform), so
    each leaf's weight is its frequency of class 1 divided by the number of trees. A binary model
    carries that one weight per leaf, under class id 0: onnxruntime's TreeEnsembleClassifier then
    outputs the scores (1 - p, p) and the label of p > 0.5, which is sklearn's argmax (a tie goes to
    class 0 in both). (With weights for both classes it labels every row with a positive class-1 score
    as class 1; with the weight under class id 1 it outputs the scores (0, p).) sklearn sends a row left when
    x <= threshold (BRANCH_LEQ, left = true branch); it compares float32 features, as ONNX does here.
    """
    attrs = ensemble_attrs('class')
    n_trees = len(forest.estimators_)
    for t, estimator in enumerate(forest.estimators_):
        tree = estimator.tree_
        for node in tree_nodes(tree, t, attrs):
            counts = tree.value[node][0]
            attrs['class_treeids'].append(t)
            attrs['class_nodeids'].append(node)
            attrs['class_ids'].append(0)
            attrs['class_weights'].append(float(counts[1] / counts.sum()) / n_trees)
    classes = [int(c) for c in forest.classes_]
    trees = helper.make_node('TreeEnsembleClassifier', ['X'], ['output_label', 'probabilities'], domain='ai.onnx.ml',
                             classlabels_int64s=classes, post_transform='NONE', **attrs)
    zipmap = helper.make_node('ZipMap', ['probabilities'], ['output_probability'], domain='ai.onnx.ml',
                              classlabels_int64s=classes)
    graph = helper.make_graph(
        [trees, zipmap], 'adult_random_forest',
        [helper.make_tensor_value_info('X', TensorProto.FLOAT, ['N', n_features])],
        [helper.make_tensor_value_info('output_label', TensorProto.INT64, ['N']),
         helper.make_value_info('output_probability', sequence_of_maps_type())])
    return make_model(graph, f'Adult income: sklearn RandomForestClassifier({RF_PARAMS}), classes {classes} (1 = >50K)')


class OneHotScaling:
    """The logistic regression's features: numeric columns standardised ((x - mean) / std over the
    training rows), then each categorical column one-hot coded over `depth` slots (depth = the most
    categories of any column; slots past a column's own categories are always 0)."""

    def __init__(self, train, categorical):
        self.numeric = [j for j in range(train.shape[1]) if j not in categorical]
        self.categorical = sorted(categorical)
        self.depth = max(len(categorical[j]) for j in self.categorical)
        self.mean = train[:, self.numeric].mean(axis=0)
        self.std = train[:, self.numeric].std(axis=0)

    def transform(self, rows):
        scaled = (rows[:, self.numeric] - self.mean) / self.std
        codes = rows[:, self.categorical].astype(np.int64)
        onehot = (codes[:, :, None] == np.arange(self.depth)[None, None, :]).reshape(len(rows), -1)
        return np.hstack([scaled, onehot.astype(np.float64)])

    def nodes(self):
        """The same computation as ONNX nodes from `X` (float64) to `features`."""
        c = helper.make_tensor
        n_cat = len(self.categorical)
        consts = [
            ('numeric_idx', c('numeric_idx', TensorProto.INT64, [len(self.numeric)], self.numeric)),
            ('categorical_idx', c('categorical_idx', TensorProto.INT64, [n_cat], self.categorical)),
            ('mean', c('mean', TensorProto.DOUBLE, [len(self.numeric)], self.mean.tolist())),
            ('std', c('std', TensorProto.DOUBLE, [len(self.numeric)], self.std.tolist())),
            ('slots', c('slots', TensorProto.DOUBLE, [1, 1, self.depth], [float(k) for k in range(self.depth)])),
            ('unsqueeze_axes', c('unsqueeze_axes', TensorProto.INT64, [1], [2])),
            ('flat_shape', c('flat_shape', TensorProto.INT64, [2], [-1, n_cat * self.depth])),
        ]
        nodes = [helper.make_node('Constant', [], [name], value=tensor) for name, tensor in consts]
        nodes += [
            helper.make_node('Gather', ['X', 'numeric_idx'], ['numbers'], axis=1),
            helper.make_node('Sub', ['numbers', 'mean'], ['centred']),
            helper.make_node('Div', ['centred', 'std'], ['scaled']),
            helper.make_node('Gather', ['X', 'categorical_idx'], ['codes'], axis=1),
            helper.make_node('Unsqueeze', ['codes', 'unsqueeze_axes'], ['codes3']),
            helper.make_node('Equal', ['codes3', 'slots'], ['hot']),
            helper.make_node('Cast', ['hot'], ['hot_double'], to=TensorProto.DOUBLE),
            helper.make_node('Reshape', ['hot_double', 'flat_shape'], ['onehot']),
            helper.make_node('Concat', ['scaled', 'onehot'], ['features'], axis=1),
        ]
        return nodes


def export_logreg(logreg, encoding, n_features):
    """LogisticRegression (binary) -> the feature nodes + LinearClassifier.

    sklearn's binary model gives p(class 1) = sigmoid(w.x + b). LinearClassifier with two rows of
    coefficients (0 and w), intercepts (0 and b) and a SOFTMAX post-transform gives
    softmax(0, w.x + b) = (1 - sigmoid, sigmoid): the same probabilities, and the label of the larger.
    """
    w = logreg.coef_[0].tolist()
    classes = [str(c) for c in logreg.classes_]
    linear = helper.make_node('LinearClassifier', ['features'], ['label', 'probabilities'], domain='ai.onnx.ml',
                              coefficients=[0.0] * len(w) + w, intercepts=[0.0, float(logreg.intercept_[0])],
                              classlabels_strings=classes, post_transform='SOFTMAX')
    graph = helper.make_graph(
        encoding.nodes() + [linear], 'adult_logistic_regression',
        [helper.make_tensor_value_info('X', TensorProto.DOUBLE, ['N', n_features])],
        [helper.make_tensor_value_info('label', TensorProto.STRING, ['N']),
         helper.make_tensor_value_info('probabilities', TensorProto.FLOAT, ['N', len(classes)])])
    return make_model(graph, f'Adult income: sklearn LogisticRegression({LR_PARAMS}) on one-hot categories and '
                             f'standardised numbers, classes {classes}')


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else '/tmp/glassbox-adult'
    with open(os.path.join(directory, 'schema.json')) as f:
        schema = json.load(f)
    categorical = {int(j): names for j, names in schema['categoryMap'].items()}
    target_names = schema['targetNames']
    x_train, y_train = read_split(directory, 'train')
    x_test, y_test = read_split(directory, 'test')
    n_features = x_train.shape[1]
    os.makedirs(OUT_DIR, exist_ok=True)

    forest = RandomForestClassifier(**RF_PARAMS).fit(x_train.astype(np.float32), y_train)
    save(export_forest(forest, n_features), 'adult-rf.onnx')

    encoding = OneHotScaling(x_train, categorical)
    names_train = np.array(target_names)[y_train]
    logreg = LogisticRegression(**LR_PARAMS).fit(encoding.transform(x_train), names_train)
    save(export_logreg(logreg, encoding, n_features), 'adult-logreg.onnx')

    rows = x_test[:HELD_OUT]
    rf_x = rows.astype(np.float32)
    lr_x = encoding.transform(rows)
    accuracy = {
        'adult-rf.onnx': float((forest.predict(x_test.astype(np.float32)) == y_test).mean()),
        'adult-logreg.onnx': float((logreg.predict(encoding.transform(x_test)) == np.array(target_names)[y_test]).mean()),
    }
    heldout = {
        'description': f'The first {HELD_OUT} rows of the Adult test split, coded as loadAdult() codes them, with the '
                       'predictions (predict) and class probabilities (predict_proba) of the scikit-learn models '
                       'exported to ONNX by scripts/export-adult-onnx.py.',
        'featureNames': schema['featureNames'],
        'rows': rows.astype(int).tolist(),
        'models': {
            'adult-rf.onnx': {'classes': [int(c) for c in forest.classes_],
                              'labels': [int(c) for c in forest.predict(rf_x)],
                              'probabilities': forest.predict_proba(rf_x).tolist(),
                              'testAccuracy': accuracy['adult-rf.onnx']},
            'adult-logreg.onnx': {'classes': [str(c) for c in logreg.classes_],
                                  'labels': [str(c) for c in logreg.predict(lr_x)],
                                  'probabilities': logreg.predict_proba(lr_x).tolist(),
                                  'testAccuracy': accuracy['adult-logreg.onnx']},
        },
    }
    print(f'wrote {save_json(heldout, "adult-heldout.json")}; test accuracy: {accuracy}')


if __name__ == '__main__':
    main()
