//! The browser's side of a staff member's alerts: desktop notifications, a short chime, and the
//! unread count on the tab's icon. Each does nothing on the server, and nothing where the browser
//! lacks the feature.

/// Whether the browser lets this site show desktop notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// No Notification API (an old browser, or an insecure origin).
    Unsupported,
    /// Not asked yet: a button asks.
    Ask,
    Granted,
    /// Refused; only the browser's site settings can change it.
    Denied,
}

/// The tab icon: Parley's blue dot, with a red badge and the number of unread conversations.
pub fn icon_href(unread: i64) -> String {
    let dot = "<circle cx='16' cy='16' r='14' fill='#1a5fd0'/>";
    let badge = match unread {
        n if n <= 0 => String::new(),
        n => {
            let label = if n > 99 { "99+".to_owned() } else { n.to_string() };
            let size = if label.len() > 2 { 11 } else { 15 };
            format!(
                "<circle cx='21' cy='11' r='11' fill='#d0342c'/><text x='21' y='16' font-size='{size}' \
                 font-family='sans-serif' font-weight='700' text-anchor='middle' fill='#fff'>{label}</text>"
            )
        }
    };
    let svg = format!("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'>{dot}{badge}</svg>");
    format!("data:image/svg+xml,{}", svg.replace('#', "%23").replace('<', "%3C").replace('>', "%3E"))
}

#[cfg(feature = "browser")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use web_sys::{Notification, NotificationOptions, NotificationPermission};

    use super::Permission;

    fn supported() -> bool {
        js_sys::Reflect::has(&window(), &JsValue::from_str("Notification")).unwrap_or(false)
    }

    pub fn notification_permission() -> Permission {
        if !supported() {
            return Permission::Unsupported;
        }
        match Notification::permission() {
            NotificationPermission::Granted => Permission::Granted,
            NotificationPermission::Denied => Permission::Denied,
            _ => Permission::Ask,
        }
    }

    pub async fn ask_notification_permission() -> Permission {
        if !supported() {
            return Permission::Unsupported;
        }
        if let Ok(promise) = Notification::request_permission() {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        }
        notification_permission()
    }

    pub fn notify(title: &str, body: &str, tag: &str, on_click: impl FnOnce() + 'static) {
        if notification_permission() != Permission::Granted {
            return;
        }
        let options = NotificationOptions::new();
        options.set_body(body);
        // One notification per conversation: a newer message replaces the older one.
        options.set_tag(tag);
        let Ok(notification) = Notification::new_with_options(title, &options) else { return };
        let shown = notification.clone();
        let click = Closure::once_into_js(move || {
            let _ = window().focus();
            shown.close();
            on_click();
        });
        notification.set_onclick(Some(click.unchecked_ref()));
    }

    /// Two short soft tones (about a third of a second), made on the spot: no sound file to fetch.
    pub fn chime() {
        let Ok(audio) = web_sys::AudioContext::new() else { return };
        let start = audio.current_time();
        for (i, frequency) in [880.0_f32, 1_320.0].into_iter().enumerate() {
            let (Ok(tone), Ok(volume)) = (audio.create_oscillator(), audio.create_gain()) else { return };
            let at = start + i as f64 * 0.15;
            tone.frequency().set_value(frequency);
            volume.gain().set_value(0.0);
            let _ = volume.gain().linear_ramp_to_value_at_time(0.15, at + 0.02);
            let _ = volume.gain().linear_ramp_to_value_at_time(0.0, at + 0.18);
            let _ = tone.connect_with_audio_node(&volume);
            let _ = volume.connect_with_audio_node(&audio.destination());
            let _ = tone.start_with_when(at);
            let _ = tone.stop_with_when(at + 0.2);
        }
        // The context closes once the tones have played.
        let close = Closure::once_into_js(move || {
            let _ = audio.close();
        });
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(close.unchecked_ref(), 1_000);
    }

    pub fn show_on_icon(href: &str) {
        if let Ok(Some(link)) = document().query_selector("link[rel='icon']") {
            let _ = link.set_attribute("href", href);
        }
    }
}

#[cfg(not(feature = "browser"))]
mod browser {
    use super::Permission;

    pub fn notification_permission() -> Permission {
        Permission::Unsupported
    }

    pub async fn ask_notification_permission() -> Permission {
        Permission::Unsupported
    }

    pub fn notify(_title: &str, _body: &str, _tag: &str, _on_click: impl FnOnce() + 'static) {}

    pub fn chime() {}

    pub fn show_on_icon(_href: &str) {}
}

pub use browser::{ask_notification_permission, chime, notification_permission, notify, show_on_icon};

#[cfg(test)]
mod tests {
    use super::icon_href;

    #[test]
    fn the_icon_shows_the_unread_count() {
        assert!(!icon_href(0).contains("text"), "no badge without unread conversations");
        assert!(icon_href(3).contains("%3E3%3C/text%3E"), "{}", icon_href(3));
        assert!(icon_href(250).contains("%3E99+%3C/text%3E"));
        assert!(!icon_href(12).contains('#') && !icon_href(12).contains('<'), "escaped for a data: URL");
    }
}
