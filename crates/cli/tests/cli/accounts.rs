//! `giamngheo user add`: the password policy of core (`password::check`) and names unique without regard to
//! case and diacritics, as an administrator meets them at the command line.

use crate::{assert_refused, giamngheo_fed, scratch, text};

fn user_add(db: &str, name: &str, password: Option<&str>) -> std::process::Output {
    let mut args = vec![
        "--db",
        db,
        "user",
        "add",
        "--name",
        name,
        "--role",
        "administrator",
    ];
    if password.is_some() {
        args.push("--password-stdin");
    }
    let input = password.map(|p| format!("{p}\n")).unwrap_or_default();
    giamngheo_fed(&args, &input)
}

#[test]
fn user_add_refuses_weak_passwords_and_names_taken_in_another_case() {
    let dir = scratch("accounts");
    let db = dir.join("r.db");
    let db = db.to_str().unwrap();
    // (name, password, accepted, what the refusal says)
    for (name, password, ok, says) in [
        ("quantri", Some("          "), false, "khoảng trắng"),
        ("quantri", Some("ngắn"), false, "ít nhất 10 ký tự"),
        ("quantri", Some("quantri2024"), false, "tên đăng nhập"),
        ("quantri", Some("1234567890"), false, "dễ đoán"),
        ("quantri", Some("qwertyuiop"), false, "dễ đoán"),
        ("quantri", Some("matkhau123"), false, "phổ biến"),
        ("quantri", Some("123456789a"), false, "phổ biến"),
        ("quantri", Some("Trâu ăn cỏ bên sông"), true, ""),
        // The same name in capitals and with diacritics: taken.
        ("QUẢNTRỊ", Some("Trâu ăn cỏ bên sông 2"), false, ""),
        ("Quantri", Some("Trâu ăn cỏ bên sông 2"), false, ""),
        // A generated password passes the policy and is printed.
        ("khac", None, true, ""),
    ] {
        let o = user_add(db, name, password);
        assert_eq!(
            o.status.success(),
            ok,
            "{name} {password:?}: {}",
            text(&o.stderr)
        );
        if !ok {
            assert_refused(&o, says, name);
        }
        if password.is_none() {
            let out = text(&o.stdout);
            let generated = out
                .lines()
                .find_map(|l| l.strip_prefix("Mật khẩu: "))
                .unwrap_or_else(|| panic!("{out}"));
            assert_eq!(giamngheo_core::password::check(name, generated), Ok(()));
        }
    }
}
