//! What a file is, decided from its first bytes only: never from its name or the type the client
//! claims. Parley takes photos (JPEG, PNG, WebP, GIF) and PDF documents, nothing else.

/// A type Parley accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Jpeg,
    Png,
    Webp,
    Gif,
    Pdf,
}

impl FileKind {
    /// How many leading bytes `sniff` needs.
    pub const HEADER: usize = 12;

    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Webp => "image/webp",
            FileKind::Gif => "image/gif",
            FileKind::Pdf => "application/pdf",
        }
    }

    pub fn is_image(self) -> bool {
        self != FileKind::Pdf
    }

    /// The type of a file starting with `head`, or `None` for anything Parley does not take.
    pub fn sniff(head: &[u8]) -> Option<FileKind> {
        match head {
            [0xFF, 0xD8, 0xFF, ..] => Some(FileKind::Jpeg),
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(FileKind::Png),
            [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(FileKind::Webp),
            [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some(FileKind::Gif),
            [b'%', b'P', b'D', b'F', b'-', ..] => Some(FileKind::Pdf),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FileKind;

    #[test]
    fn the_bytes_decide_and_nothing_else_passes() {
        assert_eq!(FileKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(FileKind::Jpeg));
        assert_eq!(FileKind::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"), Some(FileKind::Png));
        assert_eq!(FileKind::sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some(FileKind::Webp));
        assert_eq!(FileKind::sniff(b"GIF89a\x01\0\x01\0"), Some(FileKind::Gif));
        assert_eq!(FileKind::sniff(b"%PDF-1.7\n%\xe2\xe3"), Some(FileKind::Pdf));
        for refused in [
            &b"<!DOCTYPE html><html>"[..],
            b"<svg xmlns=\"http://www.w3.org/2000/svg\">",
            b"<?xml version=\"1.0\"?><svg>",
            b"RIFF\x24\0\0\0WAVEfmt ",
            b"PK\x03\x04 a zip or docx",
            b"MZ an exe",
            b"",
            b"\xFF\xD8",
        ] {
            assert_eq!(FileKind::sniff(refused), None, "{:?}", String::from_utf8_lossy(refused));
        }
    }
}
