use leptos::prelude::*;

use crate::model::HomeInfo;

/// What the start page needs: the demo's links and logins when the server runs with demo data.
#[server(endpoint = "home_info")]
pub async fn get_home_info() -> Result<HomeInfo, ServerFnError> {
    let state = expect_context::<crate::state::AppState>();
    Ok(HomeInfo { demo: state.demo.then(crate::store::seed::demo_guide) })
}
