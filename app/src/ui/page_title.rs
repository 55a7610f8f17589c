//! The document's title without `leptos_meta` in the browser: the portal's light bundle leaves the
//! meta crate out, so the server renders the title through it and the browser sets it directly.
//! Not a view: the two sides would render different nodes and hydration would not match.

pub fn set_page_title(text: impl Fn() -> String + Send + Sync + 'static) {
    #[cfg(feature = "ssr")]
    {
        // Calling the component registers the title for the document's head; its view renders
        // nothing on the server, so it is not needed. The text is read now, while this page's
        // owner is current: the head is written later, where its signals could not be read.
        let _ = leptos_meta::Title(leptos_meta::TitleProps::builder().text(text()).build());
    }
    #[cfg(not(feature = "ssr"))]
    leptos::prelude::Effect::new(move |_| leptos::prelude::document().set_title(&text()));
}
