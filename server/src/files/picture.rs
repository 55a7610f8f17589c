//! What Parley keeps of a photo: the picture turned upright, re-encoded from its pixels alone (so
//! no EXIF, GPS position, comment or profile survives), and a thumbnail for the chat. An animated
//! GIF keeps its first frame.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

/// The thumbnail's longer side, in pixels.
pub const THUMB_SIDE: u32 = 480;
/// The largest picture taken, per side: larger ones are decompression bombs, not photos.
const MAX_SIDE: u32 = 12_000;

/// A photo ready to store.
pub struct CleanPicture {
    pub bytes: Vec<u8>,
    pub thumb: Vec<u8>,
    /// "image/jpeg", or "image/png" for a picture with transparency (the thumbnail's too).
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("not a readable picture: {0}")]
pub struct PictureError(String);

impl From<image::ImageError> for PictureError {
    fn from(err: image::ImageError) -> Self {
        PictureError(err.to_string())
    }
}

/// Decodes, turns upright, strips and re-encodes a photo, and makes its thumbnail. CPU-heavy:
/// call it on the blocking pool.
pub fn clean_picture(original: &[u8]) -> Result<CleanPicture, PictureError> {
    let mut reader =
        ImageReader::new(Cursor::new(original)).with_guessed_format().map_err(|e| PictureError(e.to_string()))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    reader.limits(limits.clone());
    let mut decoder = reader.into_decoder()?;
    limits.reserve(decoder.total_bytes())?;
    let orientation = decoder.orientation()?;
    let mut picture = DynamicImage::from_decoder(decoder)?;
    picture.apply_orientation(orientation);

    let transparent = picture.color().has_alpha();
    let thumb = if picture.width().max(picture.height()) > THUMB_SIDE {
        picture.resize(THUMB_SIDE, THUMB_SIDE, image::imageops::FilterType::Triangle)
    } else {
        picture.clone()
    };
    let (content_type, bytes, thumb) = if transparent {
        ("image/png", encode_png(&picture)?, encode_png(&thumb)?)
    } else {
        ("image/jpeg", encode_jpeg(&picture, 88)?, encode_jpeg(&thumb, 80)?)
    };
    Ok(CleanPicture { bytes, thumb, content_type, width: picture.width(), height: picture.height() })
}

fn encode_jpeg(picture: &DynamicImage, quality: u8) -> Result<Vec<u8>, PictureError> {
    let mut out = Vec::new();
    // JPEG has no alpha; the encoder takes 8-bit RGB.
    DynamicImage::ImageRgb8(picture.to_rgb8()).write_with_encoder(JpegEncoder::new_with_quality(&mut out, quality))?;
    Ok(out)
}

fn encode_png(picture: &DynamicImage) -> Result<Vec<u8>, PictureError> {
    let mut out = Vec::new();
    DynamicImage::ImageRgba8(picture.to_rgba8()).write_with_encoder(PngEncoder::new(&mut out))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::files::test_photos::{has_exif, phone_photo};

    #[test]
    fn a_phone_photo_is_turned_upright_and_loses_its_gps_position() {
        let original = phone_photo(1200, 600);
        assert!(has_exif(&original) && original.windows(4).any(|w| w == b"MM\x00\x2a"), "the fixture carries EXIF");
        let clean = clean_picture(&original).unwrap();
        assert_eq!(clean.content_type, "image/jpeg");
        assert_eq!((clean.width, clean.height), (600, 1200), "orientation 6 applied");
        assert!(!has_exif(&clean.bytes) && !has_exif(&clean.thumb), "no EXIF (and so no GPS) kept");
        let thumb = image::load_from_memory(&clean.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (240, 480));
    }

    #[test]
    fn transparency_stays_png_and_a_small_picture_is_not_enlarged() {
        let pixels = image::RgbaImage::from_pixel(40, 30, image::Rgba([10, 20, 30, 128]));
        let mut png = Vec::new();
        DynamicImage::ImageRgba8(pixels).write_with_encoder(PngEncoder::new(&mut png)).unwrap();
        let clean = clean_picture(&png).unwrap();
        assert_eq!((clean.content_type, clean.width, clean.height), ("image/png", 40, 30));
        assert_eq!(image::load_from_memory(&clean.thumb).unwrap().width(), 40);
    }

    #[test]
    fn broken_pictures_are_refused() {
        let mut truncated = phone_photo(64, 64);
        truncated.truncate(200);
        assert!(clean_picture(&truncated).is_err());
        assert!(clean_picture(b"\x89PNG\r\n\x1a\nnot really").is_err());
    }
}
