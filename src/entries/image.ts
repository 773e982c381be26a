/**
 * glassbox/image: AnchorImage's defaults, state and superpixels; images, PNG/JPEG codecs, the
 * segmentations (SLIC, quickshift, Felzenszwalb) and anchor pictures. Colour conversion (rgbToLab), the
 * Gaussian filter and the segmentations' option resolvers are internals, exported from no entry.
 */
export {
  ANCHOR_IMAGE_DEFAULTS,
  type AnchorImageState,
  type ImageAnchorExamples,
  type ImageExample,
} from '../anchors/image/anchor-image.js';
export {
  SuperpixelPerturbation,
  maskImage,
  meanFillImage,
  constantFillImage,
  segmentPixels,
  type ImageFill,
  type ImageSample,
  type SegmentPixels,
} from '../anchors/image/superpixels.js';
export {
  toImage,
  createImage,
  imageToNested,
  imagesToBatch,
  checkShape,
  valueRange,
  type ImageShape,
  type TensorLike,
} from '../image/image.js';
export { decodePng, decodeJpeg, decodeImage, readImage, encodePng, writePng, type EncodePngOptions } from '../image/codecs.js';
export { slic, SLIC_DEFAULTS, type SlicOptions } from '../image/segmentation/slic.js';
export { quickshift, QUICKSHIFT_DEFAULTS, type QuickshiftOptions } from '../image/segmentation/quickshift.js';
export { felzenszwalb, FELZENSZWALB_DEFAULTS, type FelzenszwalbOptions } from '../image/segmentation/felzenszwalb.js';
export {
  segmentImage,
  SEGMENTATION_METHODS,
  type Segmentation,
  type SegmentationMethod,
  type SegmentationFunction,
  type SegmentationOptions,
  type SegmentationOptionsByMethod,
  type ResolvedSegmentation,
} from '../image/segmentation/segment.js';
export {
  checkLabelImage,
  relabelSequential,
  connectedComponents,
  enforceConnectivity,
  splitDisconnected,
  type Segments,
  type LabelImageInput,
} from '../image/segmentation/segments.js';
export { renderAnchor, renderAnchorPng, ANCHOR_RENDER_DEFAULTS, type AnchorRenderOptions, type Rgb } from '../image/render.js';
