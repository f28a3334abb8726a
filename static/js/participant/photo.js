// Shrinks a camera photo in the phone before it is stored or sent: 12 megapixels become a JPEG of at
// most 1,600 px, a tenth of the bytes on a weak connection. The server still processes it as usual.

const MAX_SIDE = 1600;
const QUALITY = 0.85;

/** A JPEG Blob of at most MAX_SIDE px, upright; the original file if the browser cannot decode it. */
export async function shrink(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return file; // e.g. HEIC in a browser without a decoder: the server can read it
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  // Drawing on a canvas also drops the photo's metadata, its GPS position included.
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
  return blob || file;
}
