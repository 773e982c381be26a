/**
 * glassbox/demo: the demo stack. The bundled data sets (Adult, MNIST, sentiment, GloVe, photos), the
 * demo models and their trainers, the bundled TensorFlow.js models, and the demo model server (fastify).
 * The library never imports this stack; it is given what it needs (e.g. `bundledEmbeddings` as
 * `loadExplainer`'s `findEmbeddings`, `BATCH_DEMO_MODULE` as a batch job's `demo`).
 */
export { loadAdult, type LoadAdultOptions } from '../datasets/adult.js';
export { loadMnist, MNIST_SHAPE, type MnistDataset, type MnistSplit, type LoadMnistOptions } from '../datasets/mnist.js';
export {
  loadSentiment,
  SENTIMENT_SOURCES,
  type LoadSentimentOptions,
  type TextDataset,
  type TextSplit,
  type SentimentSource,
} from '../datasets/sentiment.js';
export { loadGloVe, bundledEmbeddings, GloVeVectors, type LoadGloVeOptions } from '../datasets/glove.js';
export { loadPhoto, PHOTOS, type PhotoName } from '../datasets/photos.js';
export {
  adultCounterfactualTask,
  ADULT_EDUCATION_ORDER,
  ADULT_COUNTERFACTUAL_CONSTRAINTS,
  type AdultCounterfactualTask,
} from '../datasets/adult-counterfactual.js';
export {
  loadDemoModel,
  listDemoModels,
  type DemoModel,
  type DemoModelName,
  type DemoModelInfo,
  type DemoModelEntry,
} from '../models/demo-models.js';
export { GradientBoostedTrees, type GradientBoostedTreesOptions } from '../models/gradient-boosted-trees.js';
export { LogisticRegression } from '../models/logistic-regression.js';
export { BagOfWordsLogisticRegression, BAG_OF_WORDS_DEFAULTS, type BagOfWordsOptions, type BagOfWordsJSON } from '../models/bag-of-words.js';
export {
  loadSentimentModel,
  loadSentimentFillMask,
  type SentimentModel,
  type SentimentModelInfo,
  type LoadSentimentModelOptions,
} from '../models/sentiment-models.js';
export { loadBundledModel, bundledModelPath, type BundledTfModelName } from '../tf/models.js';
export { createModelServer, type ModelServer, type ListeningModelServer } from '../model-server/server.js';
export { listenGrpcModelServer, type GrpcModelServerOptions, type ListeningGrpcModelServer } from '../model-server/grpc.js';
export { MODEL_SERVER_DEFAULTS, type ModelServerOptions, type ServedPredictor } from '../model-server/model.js';
export { BATCH_DEMO_MODULE } from '../cli/batch-demo.js';
// Regression (issue 19): the diabetes data and its demo regressor.
export { loadDiabetes, type LoadDiabetesOptions } from '../datasets/diabetes.js';
export type { RegressionDataset } from '../datasets/types.js';
export { loadDemoRegressor, type DemoRegressorInfo } from '../models/demo-models.js';
export type { BoostingObjective } from '../models/tree-boosting.js';
