//! Static assets: served compressed when the build wrote compressed copies (Brotli or
//! gzip, as the client accepts), and revalidated rather than kept (`no-cache`, then 304).

use reqwest::{header, StatusCode};
use sqlx::PgPool;

use crate::helpers::TestApp;

#[sqlx::test(migrations = "../migrations")]
async fn assets_go_out_compressed_and_are_revalidated(pool: PgPool) {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(pkg.join("sesame.css"), "body { margin: 0 }\n".repeat(100)).unwrap();
    // Stand-ins for what `--precompress` writes: told apart by their bytes.
    std::fs::write(pkg.join("sesame.css.br"), b"brotli bytes").unwrap();
    std::fs::write(pkg.join("sesame.css.gz"), b"gzip bytes").unwrap();
    let root = site.path().to_owned();
    let app = TestApp::spawn_with(pool, move |s| s.site_root = root).await;
    // Signed in: a session cookie goes with every request, as from a browser.
    let (browser, _) = app.new_account("Assets").await;
    let client = &browser.client;
    let url = format!("{}/pkg/sesame.css", app.base);
    let get = |encoding: &'static str| {
        client
            .get(&url)
            .header(header::ACCEPT_ENCODING, encoding)
            .send()
    };

    let br = get("gzip, br").await.unwrap();
    assert_eq!(br.status(), StatusCode::OK);
    assert_eq!(br.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(br.headers()[header::CACHE_CONTROL], "no-cache");
    assert_eq!(br.headers()[header::VARY], "accept-encoding");
    // The session is not touched for an asset (nor its cookie set again).
    assert!(!br.headers().contains_key(header::SET_COOKIE));
    let modified = br.headers()[header::LAST_MODIFIED].clone();
    assert_eq!(br.bytes().await.unwrap().as_ref(), b"brotli bytes");

    let gzip = get("gzip").await.unwrap();
    assert_eq!(gzip.headers()[header::CONTENT_ENCODING], "gzip");
    assert_eq!(gzip.bytes().await.unwrap().as_ref(), b"gzip bytes");

    let plain = get("identity").await.unwrap();
    assert!(!plain.headers().contains_key(header::CONTENT_ENCODING));
    assert!(plain
        .text()
        .await
        .unwrap()
        .starts_with("body { margin: 0 }"));

    // A browser that has it asks again and is told it is unchanged.
    let again = client
        .get(&url)
        .header(header::ACCEPT_ENCODING, "br")
        .header(header::IF_MODIFIED_SINCE, modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()[header::CACHE_CONTROL], "no-cache");
}
