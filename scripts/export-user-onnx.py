#!/usr/bin/python3
"""Exports small Adult models to ONNX the ways converters other than skl2onnx write them: the test
fixtures of "your model as it is" (models/onnx/user/).

    npx tsx scripts/write-adult-csv.ts --encoded-dir /tmp/glassbox-adult
    /usr/bin/python3 scripts/export-user-onnx.py /tmp/glassbox-adult

Needs Debian's python3-sklearn and python3-onnx. The graphs are built by hand with onnx.helper, as in
scripts/export-adult-onnx.py (whose helpers this script reuses), from scikit-learn fits:

- rf-class1.onnx: a binary random forest as a TreeEnsembleClassifier whose leaves carry one weight,
  p(class 1) / trees, on class id 1, post_transform NONE (as hand-built graphs and some exporters write
  it; skl2onnx puts it on class id 0). onnxruntime returns the scores [0, p] for it while its label
  output is right. Input `X` float32 [N, 12] (loadAdult() codes), outputs `label` (int64),
  `probabilities` (float32 [N, 2]).
- gbt-logistic.onnx: a gradient-boosted ensemble (sklearn GradientBoostingClassifier) as the XGBoost
  and LightGBM converters write one: leaf values on class id 0, the prior log-odds in `base_values`,
  post_transform LOGISTIC. Input `X` float32 [N, 12], outputs `label` (int64), `probabilities`.
- rf-int64.onnx: a random forest taking an int64 matrix `X` [N, 12] (skl2onnx's one weight on class
  id 0), outputs `label` (int64) and a ZipMap `output_probability`.
- rf-both-weights.onnx: a forest whose leaves carry a weight for each class: onnxruntime labels every
  row with a positive class-1 score as class 1, so its label output disagrees with its probabilities.
- pipeline.onnx: a scikit-learn pipeline as skl2onnx exports one with `initial_types` per column: one
  input per CSV column, named after it, [None, 1] each (`Age` int64, `Capital Gain` and `Capital Loss`
  double, `Hours per week` float, every categorical column a string tensor); OneHotEncoder (ai.onnx.ml)
  for the categories and Scaler for the numbers inside the graph, a LinearClassifier trained on the
  class names, outputs `label` (string) and a ZipMap `output_probability` {class name: probability}.
- onehot-logreg.onnx: a logistic regression taking one-hot rows as Alibi Explain's `ohe=True` lays them
  out: each feature in order, a categorical one as one 0/1 column per category (57 columns in all).
  Input `X` float32 [N, 57], outputs `label` (int64) and `probabilities` (float32 [N, 2]).
- logreg-columns.onnx: models/onnx/adult-logreg.onnx taking one double [N, 1] input per column (named
  after it, categories as codes) concatenated into its `X`: the same computation as the matrix model,
  for the benchmark's cost of one tensor per column.
- regressor.onnx: a TreeEnsembleRegressor with one `variable` output (sklearn DecisionTreeRegressor on
  the 0/1 target): read as a regressor (task regression), explained by an interval around its value.
- heldout.json: the first HELD_OUT training rows (codes) with each classifier's scikit-learn `predict`,
  so that the tests check the ONNX models' labels against the models they were exported from.

Deterministic: fixed random_state; the same files on every run with the same library versions.
"""
import importlib.util
import json
import os
import sys

import numpy as np
from onnx import TensorProto, helper
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeRegressor

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('export_adult_onnx', os.path.join(HERE, 'export-adult-onnx.py'))
adult_onnx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(adult_onnx)
adult_onnx.OUT_DIR = os.path.join(HERE, '..', 'models', 'onnx', 'user')

HELD_OUT = 300
# Small on purpose (fixtures are committed): a few trees of small depth.
RF_PARAMS = dict(n_estimators=10, max_depth=6, min_samples_leaf=20, random_state=0, n_jobs=1)
GBT_PARAMS = dict(n_estimators=20, max_depth=3, learning_rate=0.3, random_state=0)
LR_PARAMS = dict(C=1.0, max_iter=2000)
# The pipeline's numeric inputs and their element types; every other column is a string input.
NUMERIC_TYPES = {'Age': TensorProto.INT64, 'Capital Gain': TensorProto.DOUBLE, 'Capital Loss': TensorProto.DOUBLE,
                 'Hours per week': TensorProto.FLOAT}


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
    names = ['nodes_treeids', 'nodes_nodeids', 'nodes_featureids', 'nodes_values', 'nodes_modes',
             'nodes_truenodeids', 'nodes_falsenodeids', f'{prefix}_treeids', f'{prefix}_nodeids', f'{prefix}_ids',
             f'{prefix}_weights']
    return {k: [] for k in names}


def forest_attrs(forest, weights_on):
    """TreeEnsembleClassifier attributes of a binary forest: leaf weight p(class 1) / trees on class id
    `weights_on` (0 or 1), or 'both': p(class 0) / trees on id 0 and p(class 1) / trees on id 1."""
    attrs = ensemble_attrs('class')
    n_trees = len(forest.estimators_)
    for t, estimator in enumerate(forest.estimators_):
        tree = estimator.tree_
        for node in tree_nodes(tree, t, attrs):
            counts = tree.value[node][0]
            p = counts / counts.sum()
            for k in ([0, 1] if weights_on == 'both' else [weights_on]):
                attrs['class_treeids'].append(t)
                attrs['class_nodeids'].append(node)
                attrs['class_ids'].append(k)
                attrs['class_weights'].append(float(p[k if weights_on == 'both' else 1]) / n_trees)
    return attrs


def classifier_model(name, attrs, classes, input_type, n_features, zipmap, doc, **node_attrs):
    outputs = ['label', 'probabilities']
    nodes = [helper.make_node('TreeEnsembleClassifier', ['X'], outputs, domain='ai.onnx.ml',
                              classlabels_int64s=classes, **node_attrs, **attrs)]
    graph_outputs = [helper.make_tensor_value_info('label', TensorProto.INT64, ['N'])]
    if zipmap:
        nodes.append(helper.make_node('ZipMap', ['probabilities'], ['output_probability'], domain='ai.onnx.ml',
                                      classlabels_int64s=classes))
        graph_outputs.append(helper.make_value_info('output_probability', adult_onnx.sequence_of_maps_type()))
    else:
        graph_outputs.append(helper.make_tensor_value_info('probabilities', TensorProto.FLOAT, ['N', len(classes)]))
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info('X', input_type, ['N', n_features])],
                              graph_outputs)
    return adult_onnx.make_model(graph, doc)


def export_gbt(gbt, n_features):
    """GradientBoostingClassifier (binary, log-loss) -> TreeEnsembleClassifier as XGBoost's converter
    writes it: p(class 1) = sigmoid(prior + learning_rate * sum of leaf values); leaf values on class
    id 0, the prior log-odds as base_values, post_transform LOGISTIC (onnxruntime returns [1 - p, p])."""
    attrs = ensemble_attrs('class')
    for t, estimator in enumerate(gbt.estimators_[:, 0]):
        tree = estimator.tree_
        for node in tree_nodes(tree, t, attrs):
            attrs['class_treeids'].append(t)
            attrs['class_nodeids'].append(node)
            attrs['class_ids'].append(0)
            attrs['class_weights'].append(float(tree.value[node][0][0]) * gbt.learning_rate)
    prior = float(gbt._raw_predict_init(np.zeros((1, n_features), dtype=np.float32))[0, 0])
    classes = [int(c) for c in gbt.classes_]
    return classifier_model('adult_gradient_boosting', attrs, classes, TensorProto.FLOAT, n_features, False,
                            f'Adult income: sklearn GradientBoostingClassifier({GBT_PARAMS}), XGBoost-converter style',
                            post_transform='LOGISTIC', base_values=[prior])


def export_regressor(tree, n_features):
    attrs = ensemble_attrs('target')
    for node in tree_nodes(tree.tree_, 0, attrs):
        attrs['target_treeids'].append(0)
        attrs['target_nodeids'].append(node)
        attrs['target_ids'].append(0)
        attrs['target_weights'].append(float(tree.tree_.value[node][0][0]))
    node = helper.make_node('TreeEnsembleRegressor', ['X'], ['variable'], domain='ai.onnx.ml', n_targets=1,
                            post_transform='NONE', **attrs)
    graph = helper.make_graph([node], 'adult_regressor',
                              [helper.make_tensor_value_info('X', TensorProto.FLOAT, ['N', n_features])],
                              [helper.make_tensor_value_info('variable', TensorProto.FLOAT, ['N', 1])])
    return adult_onnx.make_model(graph, 'Adult: sklearn DecisionTreeRegressor(max_depth=4) of the 0/1 target')


class ColumnPipeline:
    """One-hot coded categories (by name) and standardised numbers, column by column, as a scikit-learn
    ColumnTransformer([OneHotEncoder(handle_unknown='ignore'), StandardScaler()]) computes them."""

    def __init__(self, names, categorical, train):
        self.names = names
        self.categorical = categorical
        self.numeric = [j for j in range(len(names)) if j not in categorical]
        self.mean = train[:, self.numeric].mean(axis=0)
        self.std = train[:, self.numeric].std(axis=0)

    def transform(self, rows):
        parts = [(rows[:, self.numeric] - self.mean) / self.std]
        for j in sorted(self.categorical):
            depth = len(self.categorical[j])
            parts.append((rows[:, j].astype(np.int64)[:, None] == np.arange(depth)[None, :]).astype(np.float64))
        return np.hstack(parts)

    def inputs(self):
        return [helper.make_tensor_value_info(name, TensorProto.STRING if j in self.categorical else NUMERIC_TYPES[name],
                                              [None, 1]) for j, name in enumerate(self.names)]

    def nodes(self):
        c = helper.make_tensor
        nodes = []
        numeric_parts = []
        for j in self.numeric:
            name = self.names[j]
            nodes.append(helper.make_node('Cast', [name], [f'{name}_float'], to=TensorProto.FLOAT))
            numeric_parts.append(f'{name}_float')
        nodes.append(helper.make_node('Concat', numeric_parts, ['numbers'], axis=1))
        nodes.append(helper.make_node('Scaler', ['numbers'], ['scaled'], domain='ai.onnx.ml',
                                      offset=self.mean.tolist(), scale=(1 / self.std).tolist()))
        parts = ['scaled']
        for j in sorted(self.categorical):
            name = self.names[j]
            cats = self.categorical[j]
            nodes.append(helper.make_node('OneHotEncoder', [name], [f'{name}_hot3'], domain='ai.onnx.ml',
                                          cats_strings=cats, zeros=1))
            nodes.append(helper.make_node('Constant', [], [f'{name}_shape'],
                                          value=c(f'{name}_shape', TensorProto.INT64, [2], [-1, len(cats)])))
            nodes.append(helper.make_node('Reshape', [f'{name}_hot3', f'{name}_shape'], [f'{name}_hot']))
            parts.append(f'{name}_hot')
        nodes.append(helper.make_node('Concat', parts, ['features'], axis=1))
        return nodes


def string_sequence_of_maps_type():
    """seq(map(string, float)): ZipMap's output over string class labels."""
    import onnx
    map_type = onnx.TypeProto()
    map_type.map_type.key_type = TensorProto.STRING
    map_type.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, []))
    return helper.make_sequence_type_proto(map_type)


def export_pipeline(logreg, pipeline):
    w = logreg.coef_[0].tolist()
    classes = [str(c) for c in logreg.classes_]
    linear = helper.make_node('LinearClassifier', ['features'], ['label', 'probabilities'], domain='ai.onnx.ml',
                              coefficients=[0.0] * len(w) + w, intercepts=[0.0, float(logreg.intercept_[0])],
                              classlabels_strings=classes, post_transform='SOFTMAX')
    zipmap = helper.make_node('ZipMap', ['probabilities'], ['output_probability'], domain='ai.onnx.ml',
                              classlabels_strings=classes)
    graph = helper.make_graph(
        pipeline.nodes() + [linear, zipmap], 'adult_pipeline', pipeline.inputs(),
        [helper.make_tensor_value_info('label', TensorProto.STRING, [None]),
         helper.make_value_info('output_probability', string_sequence_of_maps_type())])
    return adult_onnx.make_model(graph, f'Adult income: a scikit-learn pipeline (one-hot categories, scaled numbers, '
                                        f'LogisticRegression({LR_PARAMS})) with one input per column, classes {classes}')


def onehot_rows(rows, categorical):
    """Coded rows in the one-hot layout: each feature in place, a categorical one as k 0/1 columns."""
    parts = []
    for j in range(rows.shape[1]):
        if j in categorical:
            parts.append((rows[:, j].astype(np.int64)[:, None] == np.arange(len(categorical[j]))[None, :]).astype(np.float64))
        else:
            parts.append(rows[:, j:j + 1])
    return np.hstack(parts)


def export_onehot_logreg(x_onehot, y):
    """LogisticRegression fitted on standardised one-hot rows, the scaling folded into its weights
    (w / std, b - sum(w * mean / std)), as a LinearClassifier on the raw one-hot rows."""
    mean, std = x_onehot.mean(axis=0), x_onehot.std(axis=0)
    std[std == 0] = 1
    logreg = LogisticRegression(**LR_PARAMS).fit((x_onehot - mean) / std, y)
    w = logreg.coef_[0] / std
    b = float(logreg.intercept_[0] - (logreg.coef_[0] * mean / std).sum())
    classes = [int(c) for c in logreg.classes_]
    linear = helper.make_node('LinearClassifier', ['X'], ['label', 'probabilities'], domain='ai.onnx.ml',
                              coefficients=[0.0] * len(w) + w.tolist(), intercepts=[0.0, b],
                              classlabels_ints=classes, post_transform='SOFTMAX')
    graph = helper.make_graph(
        [linear], 'adult_onehot_logreg', [helper.make_tensor_value_info('X', TensorProto.FLOAT, ['N', x_onehot.shape[1]])],
        [helper.make_tensor_value_info('label', TensorProto.INT64, ['N']),
         helper.make_tensor_value_info('probabilities', TensorProto.FLOAT, ['N', 2])])
    model = adult_onnx.make_model(graph, f'Adult income: sklearn LogisticRegression({LR_PARAMS}) on one-hot rows')
    return model, lambda rows: logreg.predict((rows - mean) / std)


def export_logreg_columns(names):
    """adult-logreg.onnx with its input X made by a Concat of one [N, 1] double input per column."""
    import onnx
    model = onnx.load(os.path.join(HERE, '..', 'models', 'onnx', 'adult-logreg.onnx'))
    graph = model.graph
    del graph.input[:]
    graph.input.extend([helper.make_tensor_value_info(name, TensorProto.DOUBLE, [None, 1]) for name in names])
    graph.node.insert(0, helper.make_node('Concat', list(names), ['X'], axis=1))
    model.doc_string = 'models/onnx/adult-logreg.onnx with one input per column (codes for categories)'
    return model


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else '/tmp/glassbox-adult'
    with open(os.path.join(directory, 'schema.json')) as f:
        schema = json.load(f)
    categorical = {int(j): names for j, names in schema['categoryMap'].items()}
    names = schema['featureNames']
    x_train, y_train = adult_onnx.read_split(directory, 'train')
    n = x_train.shape[1]
    os.makedirs(adult_onnx.OUT_DIR, exist_ok=True)
    x32 = x_train.astype(np.float32)
    rows = x_train[:HELD_OUT]
    labels = {}

    forest = RandomForestClassifier(**RF_PARAMS).fit(x32, y_train)
    classes = [int(c) for c in forest.classes_]
    doc = f'Adult income: sklearn RandomForestClassifier({RF_PARAMS})'
    adult_onnx.save(classifier_model('adult_rf_class1', forest_attrs(forest, 1), classes, TensorProto.FLOAT, n, False,
                                     f'{doc}, one weight per leaf on class id 1', post_transform='NONE'), 'rf-class1.onnx')
    adult_onnx.save(classifier_model('adult_rf_int64', forest_attrs(forest, 0), classes, TensorProto.INT64, n, True,
                                     f'{doc}, int64 input', post_transform='NONE'), 'rf-int64.onnx')
    adult_onnx.save(classifier_model('adult_rf_both', forest_attrs(forest, 'both'), classes, TensorProto.FLOAT, n,
                                     False, f'{doc}, a weight per class on every leaf', post_transform='NONE'),
                    'rf-both-weights.onnx')
    labels['forest'] = [int(c) for c in forest.predict(rows.astype(np.float32))]

    gbt = GradientBoostingClassifier(**GBT_PARAMS).fit(x32, y_train)
    adult_onnx.save(export_gbt(gbt, n), 'gbt-logistic.onnx')
    labels['gbt-logistic.onnx'] = [int(c) for c in gbt.predict(rows.astype(np.float32))]

    pipeline = ColumnPipeline(names, categorical, x_train)
    target_names = np.array(schema['targetNames'])
    logreg = LogisticRegression(**LR_PARAMS).fit(pipeline.transform(x_train), target_names[y_train])
    adult_onnx.save(export_pipeline(logreg, pipeline), 'pipeline.onnx')
    labels['pipeline.onnx'] = [str(c) for c in logreg.predict(pipeline.transform(rows))]

    onehot_model, onehot_predict = export_onehot_logreg(onehot_rows(x_train, categorical), y_train)
    adult_onnx.save(onehot_model, 'onehot-logreg.onnx')
    labels['onehot-logreg.onnx'] = [int(c) for c in onehot_predict(onehot_rows(rows, categorical))]

    adult_onnx.save(export_logreg_columns(names), 'logreg-columns.onnx')

    regressor = DecisionTreeRegressor(max_depth=4, random_state=0).fit(x32, y_train.astype(np.float64))
    adult_onnx.save(export_regressor(regressor, n), 'regressor.onnx')

    heldout = {
        'description': f'The first {HELD_OUT} rows of the Adult training split (datasets/adult/adult-train.csv), coded '
                       'as loadAdult() codes them, with the scikit-learn predictions (predict) of the models '
                       'exported by scripts/export-user-onnx.py ("forest": the three random-forest files).',
        'rows': rows.astype(int).tolist(),
        'labels': labels,
    }
    path = os.path.join(adult_onnx.OUT_DIR, 'heldout.json')
    with open(path, 'w') as f:
        json.dump(heldout, f)
        f.write('\n')
    print(f'wrote {path}')


if __name__ == '__main__':
    main()
