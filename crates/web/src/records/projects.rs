//! The /projects page, its JSON and CSV.

use super::*;

// ---- projects --------------------------------------------------------------------------------

fn project_query(params: &HashMap<String, String>) -> Result<String, AppError> {
    let q = crate::params::query(params)?;
    Ok(q)
}

pub async fn projects_api(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    state
        .in_pool(Cost::Light, move |state| {
            let params = decode(raw.as_deref())?;
            let q = project_query(&params)?;
            let found = project_records::filter_projects(&state.records.projects, &q);
            let mut body = json!({"total": found.len(), "q": q, "projects": found});
            if found.is_empty() {
                body["message"] = json!("No project matches. 没有符合条件的项目。");
            }
            Ok(Json(body).into_response())
        })
        .await?
}

pub async fn projects_csv(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    state
        .in_pool(Cost::Light, move |state| {
            let params = decode(raw.as_deref())?;
            let q = project_query(&params)?;
            let found = project_records::filter_projects(&state.records.projects, &q);
            let body = format!("\u{feff}{}", csv::projects(&found));
            Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8"), (header::CONTENT_DISPOSITION, "attachment; filename=\"projects.csv\"")], body)
                .into_response())
        })
        .await?
}

pub async fn projects_page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    state
        .in_pool(Cost::Light, move |state| {
        let params = decode(raw.as_deref()).map_err(AppError::html)?;
        let q = project_query(&params).map_err(AppError::html)?;
        let found = project_records::filter_projects(&state.records.projects, &q);
        // One table per panel, with that panel's columns.
        let mut panels: Vec<(String, String, Vec<&Project>)> = Vec::new();
        for p in &found {
            match panels.iter_mut().find(|(d, id, _)| *d == p.doc && *id == p.panel.id) {
                Some(g) => g.2.push(p),
                None => panels.push((p.doc.clone(), p.panel.id.clone(), vec![p])),
            }
        }
        let groups: Vec<Value> = panels
            .iter()
            .map(|(_, _, rows)| {
                let cols = project_records::columns(rows);
                let first = rows[0];
                let body: Vec<Value> = rows
                    .iter()
                    .map(|p| {
                        let cells: Vec<Value> =
                            cols.iter().map(|c| context! { value => p.get(c).unwrap_or(""), inherited => p.inherited.contains(c) }).collect();
                        context! { id => &p.passage_id, href => format!("{}{}", plansearch_corpus::permalink_path(&p.doc, &p.passage_id), if q.trim().is_empty() { String::new() } else { format!("?q={}", encode(q.trim())) }), cells => cells }
                    })
                    .collect();
                context! { panel => &first.panel, doc => &first.doc, first => &first.passage_id, columns => cols, rows => body }
            })
            .collect();
        state.render(
            "projects.html",
            context! {
                q => &q,
                total => found.len(),
                all => state.records.projects.len(),
                groups => groups,
                csv_href => format!("/api/projects.csv?q={}", encode(&q)),
                message => found.is_empty().then_some("No project matches. 没有符合条件的项目。"),
            },
        )
        })
        .await.map_err(AppError::html)?
}
