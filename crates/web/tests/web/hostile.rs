//! The hostile corpus uploaded to the import form: every file refused with a 4xx that names its problem,
//! and the server answering normally afterwards (a reader that allocated what a file declares would abort
//! the process for every user).

use crate::corpus;
use crate::harness::app;
use crate::run;

#[test]
fn every_hostile_upload_is_refused_and_the_server_goes_on() {
    let app = app();
    run(async {
        let xa = app.login("xa").await;
        for case in corpus::xlsx_cases().into_iter().chain(corpus::csv_cases()) {
            // The upload limit refuses a file larger than it before any reader sees it.
            if case.bytes.len() > giamngheo_web::MAX_UPLOAD {
                continue;
            }
            let r = app.import(&xa, case.name, &case.bytes).await;
            assert!(
                r.status.is_client_error(),
                "{}: {} {}",
                case.name,
                r.status,
                r.body
            );
            assert!(r.body.contains(case.name), "{}: {}", case.name, r.body);
            let again = app.get("/import", Some(&xa)).await;
            assert_eq!(again.status.as_u16(), 200, "after {}", case.name);
        }
    });
}
