//! Sending one file to the server as soon as it is chosen, with its progress: XMLHttpRequest,
//! because fetch reports no upload progress. The server answers with the stored file (201) or
//! a refusal that names the file and the reason.

/// A file chosen in the browser: what the chip shows before the upload ends.
#[derive(Debug, Clone, PartialEq)]
pub struct ChosenFile {
    pub name: String,
    pub size: f64,
}

/// What the composer checks before uploading (the server checks again, by the file's bytes).
pub fn precheck(file: &ChosenFile, already: usize) -> Result<(), String> {
    use crate::text::MAX_FILES;
    const MAX_BYTES: f64 = 10.0 * 1024.0 * 1024.0;
    if already >= MAX_FILES {
        return Err(format!("{}: a message can carry at most {MAX_FILES} files.", file.name));
    }
    if file.size <= 0.0 {
        return Err(format!("{} is empty.", file.name));
    }
    if file.size > MAX_BYTES {
        return Err(format!("{} is larger than 10 MB.", file.name));
    }
    Ok(())
}

#[cfg(feature = "browser")]
mod browser {
    use std::cell::RefCell;
    use std::rc::Rc;

    use futures::channel::oneshot;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::{File, FormData, ProgressEvent, XmlHttpRequest};

    use crate::ids::AttachmentId;
    use crate::model::FileView;

    /// Uploads `file` to `url`, calling `progress` with 0.0..=1.0 as it goes.
    pub async fn upload(url: &str, file: &File, progress: impl Fn(f64) + 'static) -> Result<FileView, String> {
        let network = || "Could not reach the server. Check your connection and try again.".to_owned();
        let xhr = XmlHttpRequest::new().map_err(|_| network())?;
        let form = FormData::new().map_err(|_| network())?;
        form.append_with_blob_and_filename("file", file, &file.name()).map_err(|_| network())?;
        xhr.open("POST", url).map_err(|_| network())?;

        let (done, ended) = oneshot::channel::<()>();
        let done = Rc::new(RefCell::new(Some(done)));
        let finish = {
            let done = done.clone();
            Closure::<dyn FnMut()>::new(move || {
                if let Some(done) = done.borrow_mut().take() {
                    let _ = done.send(());
                }
            })
        };
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |ev: ProgressEvent| {
            if ev.length_computable() && ev.total() > 0.0 {
                progress(ev.loaded() / ev.total());
            }
        });
        xhr.set_onloadend(Some(finish.as_ref().unchecked_ref()));
        if let Ok(upload) = xhr.upload() {
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        xhr.send_with_opt_form_data(Some(&form)).map_err(|_| network())?;
        let _ = ended.await;
        // The closures lived until here; the request has ended.
        drop((finish, on_progress));

        let status = xhr.status().unwrap_or(0);
        let text = xhr.response_text().ok().flatten().unwrap_or_default();
        if status == 0 {
            return Err(network());
        }
        // Read with the browser's own JSON parser: a JSON decoder in Rust would be the portal
        // bundle's only one (its server functions answer in postcard), and a large one.
        let answer = js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL);
        if status == 201 {
            return stored_file(&answer).ok_or_else(network);
        }
        Err(text_field(&answer, "error")
            .unwrap_or_else(|| format!("{} could not be sent (error {status}).", file.name())))
    }

    /// The stored file the server answered with.
    fn stored_file(answer: &JsValue) -> Option<FileView> {
        let number = |name| field(answer, name)?.as_f64().map(|n| n as i64);
        Some(FileView {
            id: AttachmentId::new(text_field(answer, "id")?),
            name: text_field(answer, "name")?,
            content_type: text_field(answer, "content_type")?,
            size: number("size")?,
            width: number("width"),
            height: number("height"),
        })
    }

    fn field(answer: &JsValue, name: &str) -> Option<JsValue> {
        js_sys::Reflect::get(answer, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined())
    }

    fn text_field(answer: &JsValue, name: &str) -> Option<String> {
        field(answer, name)?.as_string()
    }
}

#[cfg(feature = "browser")]
pub use browser::upload;
