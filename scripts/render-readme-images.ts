/**
 * Draws the pictures the README shows, one per explainer family, into docs/images/:
 *
 *     npx tsx scripts/render-readme-images.ts [FILE.png ...]   (all of them, or only those named)
 *
 * Each picture is a real explanation of a bundled model on bundled data (seeded, so a rerun draws the
 * same card), rendered by `renderHtml` and drawn by headless Chromium (`/usr/bin/chromium`, or
 * `$GLASSBOX_CHROMIUM`) at twice the CSS size.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AnchorTabular } from '../src/anchors/tabular/anchor-tabular.js';
import type { Explanation } from '../src/core/explanation.js';
import { AnchorImage } from '../src/anchors/image/anchor-image.js';
import { AnchorText } from '../src/anchors/text/anchor-text.js';
import { adultProto } from '../src/cli/commands/counterfactual-proto.js';
import { Counterfactual } from '../src/counterfactuals/counterfactual.js';
import { loadAdult } from '../src/datasets/adult.js';
import { loadGloVe } from '../src/datasets/glove.js';
import { loadMnist } from '../src/datasets/mnist.js';
import { loadSentiment } from '../src/datasets/sentiment.js';
import { loadDemoModel } from '../src/models/demo-models.js';
import { loadSentimentModel } from '../src/models/sentiment-models.js';
import { toImage, type Image } from '../src/image/image.js';
import { tfjsModel } from '../src/predictors/tfjs.js';
import { loadBundledModel } from '../src/tf/models.js';
import { PngRenderer } from '../src/viz/png.js';
import { renderHtml, type RenderOptions } from '../src/viz/render.js';

interface Picture {
  file: string;
  /** What the README says the picture shows. */
  caption: string;
  explain: () => Promise<{ explanation: Explanation<unknown>; options: RenderOptions }>;
}

const PICTURES: Picture[] = [
  {
    file: 'anchor-tabular.png',
    caption: 'AnchorTabular: held-out Adult row 15, demo model adult-gbt, seed 0',
    explain: async () => {
      const adult = loadAdult();
      const explainer = await new AnchorTabular(loadDemoModel('adult-gbt').predictor, adult.featureNames, {
        categoryMap: adult.categoryMap,
        seed: 0,
      }).fit(adult.train.rows);
      return { explanation: await explainer.explain(adult.test.rows[15]), options: { ...adult, maxExamples: 3 } };
    },
  },
  {
    file: 'anchor-text.png',
    caption: 'AnchorText: held-out sentiment sentence 7, bundled sentiment model, similarity sampling, seed 0',
    explain: async () => {
      const { predictor, info } = loadSentimentModel();
      const explainer = new AnchorText(predictor, { sampling: 'similarity', embeddings: loadGloVe(), seed: 0 });
      const explanation = await explainer.explain(loadSentiment().test.texts[7]);
      return { explanation, options: { targetNames: info.targetNames, maxExamples: 4 } };
    },
  },
  {
    file: 'anchor-image.png',
    caption: 'AnchorImage: held-out MNIST digit 0, bundled CNN, SLIC superpixels, seed 0',
    explain: async () => {
      const mnist = loadMnist();
      const model = await loadBundledModel('mnist-cnn');
      try {
        const cnn = tfjsModel(model);
        const digit = toImage(mnist.test.image(0), mnist.shape);
        const explainer = new AnchorImage((images: Image[]) => cnn(images.map((im) => im.data)), { shape: mnist.shape, seed: 0 });
        const explanation = await explainer.explain(digit);
        return { explanation, options: { image: digit, targetNames: mnist.targetNames, maxExamples: 5 } };
      } finally {
        model.dispose();
      }
    },
  },
  {
    file: 'counterfactual.png',
    caption: "Counterfactual: held-out MNIST digit 0, bundled CNN, Alibi's defaults",
    explain: async () => {
      const mnist = loadMnist();
      const model = await loadBundledModel('mnist-cnn');
      try {
        const digit = mnist.test.image(0);
        const explanation = await new Counterfactual(tfjsModel(model), { shape: mnist.shape, featureRange: [0, 1] }).explain(digit);
        return { explanation, options: { instance: digit, targetNames: mnist.targetNames } };
      } finally {
        model.dispose();
      }
    },
  },
  {
    file: 'counterfactual-proto.png',
    caption: 'CounterfactualProto: held-out Adult row 0, demo model adult-gbt as a black box, k-d tree prototypes, as glassbox counterfactual adult --row 0',
    explain: async () => {
      const { explanation, render } = await adultProto(0, { stdout: () => {}, stderr: () => {}, interactive: false });
      return { explanation, options: render };
    },
  },
];

const only = process.argv.slice(2);
const unknown = only.filter((file) => !PICTURES.some((p) => p.file === file));
if (unknown.length > 0) throw new Error(`no picture ${unknown.join(', ')}; the pictures are ${PICTURES.map((p) => p.file).join(', ')}`);

const outDir = fileURLToPath(new URL('../docs/images/', import.meta.url));
mkdirSync(outDir, { recursive: true });
const renderer = await PngRenderer.launch();
try {
  for (const picture of PICTURES.filter((p) => only.length === 0 || only.includes(p.file))) {
    const { explanation, options } = await picture.explain();
    const { png, width, height } = await renderer.render(renderHtml(explanation, options), { scale: 2 });
    writeFileSync(`${outDir}${picture.file}`, png);
    console.log(`docs/images/${picture.file}: ${width}x${height}, ${png.length.toLocaleString('en-US')} bytes (${picture.caption})`);
  }
} finally {
  await renderer.close();
}
