import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { loadDemoModel } from '../../src/models/demo-models.js';

/** The bundled Adult data and an AnchorTabular fitted on it for the demo model, built once per test file. */
export const adult = loadAdult();
export const explainer = await new AnchorTabular(loadDemoModel('adult-gbt').predictor, adult.featureNames, {
  categoryMap: adult.categoryMap,
  seed: 0,
}).fit(adult.train.rows);

/**
 * Held-out row 15: predicted >50K with the three-condition anchor
 * `Education = Masters AND Marital Status = Married AND Occupation = White-Collar` (seed 0), whose
 * covered examples include rows where the model disagrees.
 */
export const explainRow15 = () => explainer.explain(adult.test.rows[15]);

/** Held-out sentiment sentence 0, explained for the bundled sentiment model with unknown-word sampling (seed 0). */
export async function explainSentence0() {
  const { loadSentiment } = await import('../../src/datasets/sentiment.js');
  const { loadSentimentModel } = await import('../../src/models/sentiment-models.js');
  const { AnchorText } = await import('../../src/anchors/text/anchor-text.js');
  return new AnchorText(loadSentimentModel().predictor, { seed: 0 }).explain(loadSentiment().test.texts[0]);
}

/** The bundled sentiment model's class names. */
export const sentimentTargets = ['negative', 'positive'];

/** Held-out MNIST digit 0 (a 4), explained for the bundled CNN with AnchorImage's defaults (seed 0). */
export async function explainDigit0() {
  const { loadMnist } = await import('../../src/datasets/mnist.js');
  const { loadBundledModel } = await import('../../src/tf/models.js');
  const { tfjsModel } = await import('../../src/predictors/tfjs.js');
  const { toImage } = await import('../../src/image/image.js');
  const { AnchorImage } = await import('../../src/anchors/image/anchor-image.js');
  const mnist = loadMnist();
  const model = await loadBundledModel('mnist-cnn');
  try {
    const cnn = tfjsModel(model);
    const digit = toImage(mnist.test.image(0), mnist.shape);
    const explainer = new AnchorImage((images: Array<{ data: Float32Array }>) => cnn(images.map((im) => im.data)), { shape: mnist.shape });
    return { explanation: await explainer.explain(digit), digit };
  } finally {
    model.dispose();
  }
}

/** MNIST's class names. */
export const digitNames = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * Counterfactuals of held-out MNIST digit 0 for the bundled CNN, with smaller budgets than Alibi's so
 * that tests stay fast (both still succeed on this digit): Wachter's counterfactual and CEM's pertinent
 * negative.
 */
export async function counterfactualsOfDigit0() {
  const { loadMnist } = await import('../../src/datasets/mnist.js');
  const { loadBundledModel } = await import('../../src/tf/models.js');
  const { tfjsModel } = await import('../../src/predictors/tfjs.js');
  const { Counterfactual } = await import('../../src/counterfactuals/counterfactual.js');
  const { CEM } = await import('../../src/counterfactuals/cem.js');
  const mnist = loadMnist();
  const digit = mnist.test.image(0);
  const cnn = await loadBundledModel('mnist-cnn');
  try {
    const shape = mnist.shape;
    const counterfactual = await new Counterfactual(tfjsModel(cnn), { shape, featureRange: [0, 1], maxIter: 300, maxLamSteps: 4 }).explain(digit);
    const pn = await new CEM(tfjsModel(cnn), { mode: 'PN', shape, featureRange: [0, 1], noInfoVal: 0, maxIterations: 100, cInit: 1000, cSteps: 3 }).explain(digit);
    return { digit, counterfactual, pn };
  } finally {
    cnn.dispose();
  }
}

/**
 * A prototype-guided counterfactual of held-out Adult row 0 (predicted <=50K) for the bundled
 * gradient-boosted trees, as `glassbox counterfactual adult --row 0` finds it (k-d trees over the
 * training rows scaled to [-1, 1], ABDM category distances, the CLI's short search). Returns the
 * explainer and its training rows too, for `prototypeInput`.
 */
export async function protoOfAdultRow0() {
  const { adultCounterfactualTask } = await import('../../src/datasets/adult-counterfactual.js');
  const { adultProtoExplainer } = await import('../../src/cli/commands/counterfactual-proto.js');
  const task = adultCounterfactualTask('adult-gbt');
  const train = task.dataset.train.rows.map(task.scale);
  const explainer = await adultProtoExplainer(task, train);
  const explanation = await explainer.explain(task.scale(task.dataset.test.rows[0]));
  return { task, train, explainer, explanation };
}
