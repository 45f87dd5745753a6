//! A fresh demo registry per test, the real router, and accounts of every role. The registry is a SQLite file,
//! or with `GIAMNGHEO_WEB_TEST_BACKEND=postgres` a PostgreSQL schema of its own (the server of
//! `GIAMNGHEO_TEST_PG`, by default 127.0.0.1:5432 database `test`, as the store suite), dropped afterwards.

use std::sync::atomic::{AtomicU32, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use giamngheo_core::date::Date;
use giamngheo_store::Store;
use giamngheo_store::accounts::Role;
use giamngheo_store::audit::Actor;
use giamngheo_web::AppState;
use giamngheo_web::pool::Pool;
use tower::ServiceExt;

pub const PASSWORD: &str = "mật-khẩu-thử-1234";

/// The registry the tests run against: codes of households and units in and out of the accounts' areas.
pub struct App {
    pub router: Router,
    /// What the app opens: the SQLite file's path, or a PostgreSQL URL whose search path is the test's schema.
    pub url: String,
    path: std::path::PathBuf,
    /// The PostgreSQL server and schema, when the suite runs there.
    pg: Option<(String, String)>,
    /// A household in village `village` of commune `commune` (province `province`).
    pub hh_in: String,
    /// A household in the same commune, another village.
    pub hh_other_village: String,
    /// A household in another province.
    pub hh_out: String,
    pub province: String,
    pub commune: String,
    pub village: String,
    pub commune_out: String,
    /// An in-year round of `commune` listing `hh_in` and `hh_other_village`, and one of `commune_out`.
    pub round_in: i64,
    pub round_out: i64,
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some((server, schema)) = &self.pg {
            if let Ok(mut s) = Store::open_postgres(server, None) {
                let _ = s
                    .conn()
                    .batch(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
            }
            return;
        }
        for suffix in ["", "-wal", "-shm", ".audit-key"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

/// The PostgreSQL server to run the suite on, if the environment asks for it.
fn pg_server() -> Option<String> {
    match std::env::var("GIAMNGHEO_WEB_TEST_BACKEND").as_deref() {
        Ok("postgres") => Some(
            std::env::var("GIAMNGHEO_TEST_PG")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned()),
        ),
        _ => None,
    }
}

static N: AtomicU32 = AtomicU32::new(0);

pub fn app() -> App {
    let n = N.fetch_add(1, Ordering::SeqCst);
    let path = std::env::temp_dir().join(format!("giamngheo-web-{}-{n}.db", std::process::id()));
    let pg = pg_server().map(|server| (server, format!("w_{}_{n}", std::process::id())));
    let (url, mut store) = match &pg {
        Some((server, schema)) => {
            let store = Store::open_postgres(server, Some(schema)).unwrap_or_else(|e| {
                panic!("PostgreSQL at {server} is needed for the web suite on PostgreSQL: {e:?}")
            });
            let sep = if server.contains('?') { '&' } else { '?' };
            (
                format!("{server}{sep}options=-c%20search_path%3D{schema}"),
                store,
            )
        }
        None => {
            let url = path.display().to_string();
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{url}{suffix}"));
            }
            let store = Store::open(&url).expect("open");
            (url, store)
        }
    };
    giamngheo_demo::build(
        &mut store,
        giamngheo_demo::DemoOptions {
            households: 600,
            seed: 7,
            ..Default::default()
        },
        &mut |_, _, _| {},
    )
    .expect("demo");
    let all = store.list_households(None, "", 100_000).expect("list");
    let today = giamngheo_web::today();
    let province_of = |s: &mut Store, commune: i64| {
        let mut u = s.unit(commune).unwrap().unwrap();
        while let Some(p) = s.parent_at(u.id, today).unwrap() {
            u = p;
        }
        u
    };
    let first = all[0].clone();
    let province = province_of(&mut store, first.commune_id);
    let out = all
        .iter()
        .find(|f| province_of(&mut store, f.commune_id).id != province.id)
        .expect("households in two provinces")
        .clone();
    let other_village = all
        .iter()
        .find(|f| f.commune_id == first.commune_id && f.village_id != first.village_id)
        .expect("two villages in one commune")
        .clone();
    let commune = store.unit(first.commune_id).unwrap().unwrap();
    let village = store.unit(first.village_id.unwrap()).unwrap().unwrap();
    let commune_out = store.unit(out.commune_id).unwrap().unwrap();
    let hash = giamngheo_web::auth::hash_password(PASSWORD);
    let by = giamngheo_store::audit::Actor::new("test", Role::Administrator, "cli");
    for (name, role, unit) in [
        ("admin", Role::Administrator, None),
        ("tinh", Role::ProvinceStaff, Some(province.id)),
        ("xa", Role::CommuneOfficer, Some(commune.id)),
        ("thon", Role::VillageReviewer, Some(village.id)),
        ("kiemtoan", Role::Auditor, Some(commune.id)),
    ] {
        store.add_account(&by, name, role, unit, &hash).unwrap();
    }
    // In-year rounds in the account's commune and outside it, with requests: the round of two months ago
    // (a round opens on or after the 15th, and no step may be dated in the future), so that the tests can
    // run a round through its posting period and decide it today.
    let officer = giamngheo_store::audit::Actor::new("test", Role::CommuneOfficer, "cli");
    let (year, month) = match today.month() {
        1 => (today.year() - 1, 11),
        2 => (today.year() - 1, 12),
        m => (today.year(), m - 2),
    };
    let opened = giamngheo_core::date::Date::new(year, month, 15).unwrap();
    let open_with = |s: &mut Store, commune_id: i64, codes: &[&str]| {
        let id = s
            .open_round(
                &officer,
                &giamngheo_store::rounds::NewRound {
                    commune_id,
                    kind: giamngheo_core::round::RoundKind::InYear,
                    year: opened.year(),
                    month: Some(opened.month()),
                    opened_on: opened,
                    standard_id: giamngheo_core::standard::builtin::for_year(opened.year() as u16)
                        .unwrap()
                        .id,
                },
            )
            .unwrap();
        for code in codes {
            s.add_request(
                &officer,
                id,
                code,
                giamngheo_store::rounds::CaseSource::Request,
                opened,
            )
            .unwrap();
        }
        id
    };
    let round_in = open_with(
        &mut store,
        commune.id,
        &[first.code.as_str(), other_village.code.as_str()],
    );
    let round_out = open_with(&mut store, commune_out.id, &[out.code.as_str()]);
    drop(store);
    let pool = Pool::open(&url, 2).expect("pool");
    App {
        router: giamngheo_web::router(AppState::new(pool)),
        url,
        path,
        pg,
        hh_in: first.code.to_string(),
        hh_other_village: other_village.code.to_string(),
        hh_out: out.code.to_string(),
        province: province.code.to_string(),
        commune: commune.code.to_string(),
        village: village.code.to_string(),
        commune_out: commune_out.code.to_string(),
        round_in,
        round_out,
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    pub bytes: Vec<u8>,
}

/// A form posted from our own page: URL-encoded, same origin.
pub fn form_post(uri: &str, cookie: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", giamngheo_web::html::url(v)))
        .collect();
    Request::post(uri)
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", "localhost")
        .header("origin", "http://localhost")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body.join("&")))
        .unwrap()
}

impl Reply {
    /// The page says `text`; a failure shows the whole page.
    #[track_caller]
    pub fn assert_says(&self, text: &str) {
        assert!(self.body.contains(text), "{}", self.body);
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }

    /// The value of the first hidden `csrf` field of the page.
    pub fn form_token(&self) -> String {
        let i = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a form token");
        let rest = &self.body[i + 19..];
        rest[..rest.find('"').unwrap()].to_owned()
    }
}

/// The commune officer who runs the test round in the store.
pub fn officer() -> Actor {
    Actor::new("test", giamngheo_core::round::Role::CommuneOfficer, "cli")
}

impl App {
    pub fn fill(&self, s: &str) -> String {
        s.replace("{hh_in}", &self.hh_in)
            .replace("{hh_other_village}", &self.hh_other_village)
            .replace("{hh_out}", &self.hh_out)
            .replace("{province}", &self.province)
            .replace("{commune_out}", &self.commune_out)
            .replace("{commune}", &self.commune)
            .replace("{village}", &self.village)
            .replace("{round_in}", &self.round_in.to_string())
            .replace("{round_out}", &self.round_out.to_string())
    }

    /// The server restarted: a new router, state and pool over the same database, nothing kept in memory.
    pub fn restart(&mut self) {
        let pool = Pool::open(&self.url, 2).expect("pool");
        self.router = giamngheo_web::router(AppState::new(pool));
    }

    /// Another connection to the test's registry (outside the async part of a test).
    pub fn store(&self) -> Store {
        Store::open(&self.url).expect("open the test registry")
    }

    /// `hh_in` and `hh_other_village`: the households the tests take through the test round.
    pub fn in_round(&self) -> [&str; 2] {
        [self.hh_in.as_str(), self.hh_other_village.as_str()]
    }

    /// Surveys `codes` in the test round on `on` (income 1.000.000 đ and three deprivations: poor under every
    /// standard).
    pub fn survey(&self, codes: &[&str], on: Date) {
        let mut s = self.store();
        let round = s.round(self.round_in).unwrap();
        let classifier = giamngheo_core::Classifier::new(
            giamngheo_core::standard::builtin::get(&round.standard_id).unwrap(),
        );
        let inputs: Vec<giamngheo_store::rounds::SurveyInput> = codes
            .iter()
            .enumerate()
            .map(|(i, code)| giamngheo_store::rounds::SurveyInput {
                input: giamngheo_core::registry::ReviewInput {
                    row: i as u64 + 2,
                    household_code: giamngheo_core::ids::HouseholdCode::parse(code).unwrap(),
                    income: giamngheo_core::Income::Vnd(1_000_000),
                    deprivations: giamngheo_core::DeprivationSet(0b111),
                    area: None,
                    decided: None,
                },
                expected_version: None,
            })
            .collect();
        s.record_survey(&officer(), self.round_in, &classifier, on, &inputs)
            .unwrap();
    }

    /// The test round's households surveyed, agreed and posted, all today: the round in its posting period.
    pub fn post_round_today(&self) {
        let today = giamngheo_web::today();
        self.post_round_in(&self.in_round(), |_| today);
    }

    /// The test round with `codes` surveyed, agreed at the village meeting (25 attending, 20 for and 1 against
    /// each) and posted, each step dated `on(1)`, `on(2)`, `on(3)`.
    pub fn post_round_in(&self, codes: &[&str], on: impl Fn(i64) -> Date) {
        self.survey(codes, on(1));
        let mut s = self.store();
        let votes = codes
            .iter()
            .enumerate()
            .map(|(i, code)| giamngheo_store::rounds::VoteInput {
                row: i as u64 + 2,
                household_code: giamngheo_core::ids::HouseholdCode::parse(code).unwrap(),
                votes_for: 20,
                votes_against: 1,
            })
            .collect();
        s.record_meeting(
            &officer(),
            self.round_in,
            &giamngheo_store::rounds::NewMeeting {
                village_id: None,
                held_on: on(2),
                chair: "Trưởng thôn".into(),
                secretary: "Thư ký".into(),
                attendees: 25,
                minutes: None,
                votes,
            },
        )
        .unwrap();
        s.post_results(&officer(), self.round_in, on(3), "Nhà văn hóa")
            .unwrap();
    }

    /// Runs `f` on another connection from inside an async test: on a thread of its own, because the
    /// PostgreSQL client blocks on a runtime of its own, which cannot start on a runtime's thread.
    pub fn with_store<T: Send>(&self, f: impl FnOnce(&mut Store) -> T + Send) -> T {
        std::thread::scope(|scope| {
            scope
                .spawn(|| f(&mut self.store()))
                .join()
                .expect("the store call")
        })
    }

    pub async fn request(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }

    pub async fn get(&self, uri: &str, cookie: Option<&str>) -> Reply {
        let mut b = Request::get(uri);
        if let Some(c) = cookie {
            b = b.header("cookie", c);
        }
        self.request(b.body(Body::empty()).unwrap()).await
    }

    /// A form post as a browser on this site sends it.
    pub async fn post_form(&self, uri: &str, cookie: &str, fields: &[(&str, &str)]) -> Reply {
        self.request(form_post(uri, cookie, fields)).await
    }

    /// One login attempt through the login form, with the cookie and token that came with it.
    pub async fn try_login(&self, name: &str, password: &str) -> Reply {
        let form = self.get("/login", None).await;
        let pre = form.cookie("gn_pre").unwrap();
        self.post_form(
            "/login",
            &format!("gn_pre={pre}"),
            &[
                ("csrf", &form.form_token()),
                ("name", name),
                ("password", password),
            ],
        )
        .await
    }

    /// Logs in; returns the session cookie header value.
    pub async fn login(&self, name: &str) -> String {
        let r = self.try_login(name, PASSWORD).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login of {name}: {}",
            r.body
        );
        format!("gn_session={}", r.cookie("gn_session").unwrap())
    }

    /// The page of the round in the test commune (`round_in`), as `cookie`'s account sees it.
    pub async fn round_page(&self, cookie: &str) -> Reply {
        self.get(&format!("/rounds/{}", self.round_in), Some(cookie))
            .await
    }

    /// The complaint of `name` about household `hh_in`, posted from the public page `page` (its token and
    /// its cookie): the household has a new house.
    pub async fn complain(&self, page: &Reply, name: &str) -> Reply {
        let pre = page.cookie("gn_pre").unwrap();
        let token = page.form_token();
        let fields = [
            ("csrf", token.as_str()),
            ("kind", "complaint"),
            ("household", &self.hh_in),
            ("name", name),
            ("contact", "0912 345 678"),
            ("message", "Hộ ông A đã có nhà mới, đề nghị xem lại."),
        ];
        self.post_form(
            &format!("/public/{}/feedback", self.commune),
            &format!("gn_pre={pre}"),
            &fields,
        )
        .await
    }

    /// Logs each account in, in order; returns their session cookies.
    pub async fn logins<const N: usize>(&self, names: [&str; N]) -> [String; N] {
        let mut cookies = [const { String::new() }; N];
        for (cookie, name) in cookies.iter_mut().zip(names) {
            *cookie = self.login(name).await;
        }
        cookies
    }

    /// The import page opened for a fresh token, then `content` uploaded as `filename` with it.
    pub async fn import(&self, cookie: &str, filename: &str, content: &[u8]) -> Reply {
        let token = self.get("/import", Some(cookie)).await.form_token();
        self.upload(cookie, &token, filename, content).await
    }

    /// A multipart upload of the import form.
    pub async fn upload(&self, cookie: &str, token: &str, filename: &str, content: &[u8]) -> Reply {
        let boundary = "XyZ-giamngheo-boundary";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = Request::post("/import")
            .header("cookie", cookie)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("host", "localhost")
            .header("origin", "http://localhost")
            .body(Body::from(body))
            .unwrap();
        self.request(req).await
    }
}
