//! Uploads against a running server: how long a 5 MB phone photo takes (received, decoded, turned
//! upright, re-encoded without its metadata, thumbnailed and stored), then the server's memory
//! while ten 10 MB files upload at once: PDFs (streamed to storage) and photos (decoded a few at a
//! time).

use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::task::JoinSet;

use crate::stats::{summarize, Summary};

#[derive(Debug, Serialize)]
pub struct UploadsReport {
    pub photo_bytes: usize,
    pub photo_pixels: (u32, u32),
    pub photo: Summary,
    pub errors: usize,
    pub concurrent_pdfs: MemoryDuring,
    pub concurrent_photos: MemoryDuring,
}

/// The server's resident memory before and at its highest while the uploads ran.
#[derive(Debug, Serialize)]
pub struct MemoryDuring {
    pub uploads: usize,
    pub bytes_each: usize,
    pub errors: usize,
    pub rss_before_mb: f64,
    pub rss_peak_mb: f64,
    pub seconds: f64,
}

/// A JPEG of noise (which compresses badly) of about `target` bytes, as big as a phone photo.
fn noisy_photo(target: usize) -> (Vec<u8>, (u32, u32)) {
    let (mut width, mut height) = (2000u32, 1500u32);
    loop {
        let pixels = image::RgbImage::from_fn(width, height, |x, y| {
            let n = x.wrapping_mul(2_654_435_761).wrapping_add(y.wrapping_mul(40_503)) ^ (x * y);
            image::Rgb([(n >> 3) as u8, (n >> 11) as u8, (n >> 19) as u8])
        });
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(pixels)
            .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95))
            .expect("a JPEG");
        if out.len() >= target {
            return (out, (width, height));
        }
        width += 400;
        height += 300;
    }
}

fn form(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "parley-bench-upload";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n")
            .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(client: &reqwest::Client, url: &str, base: &str, name: &str, bytes: &[u8]) -> Result<Duration, String> {
    let (content_type, body) = form(name, bytes);
    let started = Instant::now();
    let answer = client
        .post(url)
        .header("content-type", content_type)
        .header("origin", base)
        .body(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if answer.status() != reqwest::StatusCode::CREATED {
        return Err(format!("{}: {}", answer.status(), answer.text().await.unwrap_or_default()));
    }
    Ok(started.elapsed())
}

fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// `count` uploads of `bytes` at once while the server's memory is sampled every 10 ms.
async fn at_once(url: &str, base: &str, pid: u32, name: &str, bytes: Vec<u8>, count: usize) -> MemoryDuring {
    let client = reqwest::Client::new();
    let before = rss_mb(pid);
    let started = Instant::now();
    let bytes = std::sync::Arc::new(bytes);
    let mut uploads = JoinSet::new();
    for _ in 0..count {
        let (client, url, base, name, bytes) =
            (client.clone(), url.to_owned(), base.to_owned(), name.to_owned(), bytes.clone());
        uploads.spawn(async move { upload(&client, &url, &base, &name, &bytes).await });
    }
    let mut peak = before;
    let mut errors = 0;
    let mut sampler = tokio::time::interval(Duration::from_millis(10));
    loop {
        tokio::select! {
            done = uploads.join_next() => match done {
                Some(Ok(Ok(_))) => {}
                Some(_) => errors += 1,
                None => break,
            },
            _ = sampler.tick() => peak = peak.max(rss_mb(pid)),
        }
    }
    MemoryDuring {
        uploads: count,
        bytes_each: bytes.len(),
        errors,
        rss_before_mb: before,
        rss_peak_mb: peak.max(rss_mb(pid)),
        seconds: started.elapsed().as_secs_f64(),
    }
}

pub async fn run(base: &str, token: &str, pid: u32, photos: usize) -> anyhow::Result<UploadsReport> {
    let url = format!("{base}/portal/{token}/files");
    let (photo, pixels) = noisy_photo(5_000_000);
    let client = reqwest::Client::new();
    upload(&client, &url, base, "warm-up.jpg", &photo).await.map_err(anyhow::Error::msg)?;
    let (mut samples, mut errors) = (Vec::new(), 0);
    for n in 0..photos {
        match upload(&client, &url, base, &format!("photo-{n}.jpg"), &photo).await {
            Ok(took) => samples.push(took),
            Err(_) => errors += 1,
        }
    }
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.resize(10 * 1024 * 1024, b' ');
    let concurrent_pdfs = at_once(&url, base, pid, "manual.pdf", pdf, 10).await;
    let (big_photo, _) = noisy_photo(9_500_000);
    let concurrent_photos = at_once(&url, base, pid, "big.jpg", big_photo, 10).await;
    Ok(UploadsReport {
        photo_bytes: photo.len(),
        photo_pixels: pixels,
        photo: summarize(&samples),
        errors,
        concurrent_pdfs,
        concurrent_photos,
    })
}
