import { fileURLToPath } from 'node:url';
import { InvalidInputError } from '../core/errors.js';
import { readImage } from '../image/codecs.js';
import type { Image } from '../image/image.js';

/**
 * The six public-domain and CC0 photos bundled in `datasets/images/` (copied from scikit-image's data
 * folder; see its README.md for sources and licenses), for segmentation and image-anchor demos.
 */
export const PHOTOS = Object.freeze({
  astronaut: 'astronaut.png',
  chelsea: 'chelsea.png',
  coffee: 'coffee.png',
  rocket: 'rocket.jpg',
  hubble_deep_field: 'hubble_deep_field.jpg',
  retina: 'retina.jpg',
});

/** The name of a bundled photo (`datasets/images/`), for {@link loadPhoto}. */
export type PhotoName = keyof typeof PHOTOS;

/** The package's `datasets/images/` folder: this module sits two levels below the package root. */
const DIR = new URL('../../datasets/images/', import.meta.url);

/**
 * Reads a bundled photo as an RGB {@link Image} with values in [0, 1].
 *
 * @throws InvalidInputError for a name that is not one of {@link PHOTOS}.
 */
export function loadPhoto(name: PhotoName): Image {
  if (!Object.hasOwn(PHOTOS, name)) {
    throw new InvalidInputError(`unknown photo ${JSON.stringify(name)}; expected one of: ${Object.keys(PHOTOS).join(', ')}`);
  }
  return readImage(fileURLToPath(new URL(PHOTOS[name], DIR)));
}
