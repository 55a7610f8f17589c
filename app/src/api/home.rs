use leptos::prelude::*;

use crate::model::HomeView;

/// What the start page needs: the demo's links and logins when the server runs with demo data.
#[server(endpoint = "home_info")]
pub async fn get_home_info() -> Result<HomeView, ServerFnError> {
    let state = expect_context::<crate::state::AppState>();
    Ok(HomeView { demo: state.demo.then(crate::store::seed::demo_guide) })
}
