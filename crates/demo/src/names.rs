//! Vietnamese names for synthetic people: family names with their approximate national frequency, middle
//! names by sex, and common given names. Every generated person is fictional.

pub const FAMILY: &[(&str, f64)] = &[
    ("Nguyễn", 31.5),
    ("Lê", 12.0),
    ("Trần", 8.0),
    ("Phạm", 6.0),
    ("Hoàng", 4.5),
    ("Trịnh", 3.5),
    ("Vũ", 3.0),
    ("Đỗ", 2.5),
    ("Bùi", 2.5),
    ("Đặng", 2.0),
    ("Phan", 2.0),
    ("Võ", 2.0),
    ("Hồ", 2.0),
    ("Ngô", 1.5),
    ("Dương", 1.2),
    ("Lương", 1.0),
    ("Mai", 1.0),
    ("Huỳnh", 1.0),
    ("Đinh", 1.0),
    ("Cao", 0.8),
    ("Lò", 0.5),
    ("Hà", 0.8),
];

pub const MIDDLE_MALE: &[&str] = &[
    "Văn", "Văn", "Văn", "Đức", "Minh", "Hữu", "Quang", "Công", "Xuân", "Ngọc",
];
pub const MIDDLE_FEMALE: &[&str] = &[
    "Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hồng",
];

pub const GIVEN_MALE: &[&str] = &[
    "Hùng", "Dũng", "Nam", "Tuấn", "Hải", "Long", "Sơn", "Thắng", "Cường", "Quân", "Đức", "Minh",
    "Hoàng", "Phong", "Trung", "Thành", "Bình", "Toàn", "Khánh", "Lâm", "Tú", "Vinh", "Hưng",
    "Tùng", "Khoa", "An", "Hiếu", "Lợi",
];

pub const GIVEN_FEMALE: &[&str] = &[
    "Hoa", "Lan", "Mai", "Hương", "Hằng", "Nga", "Linh", "Thảo", "Trang", "Hạnh", "Yến", "Phương",
    "Dung", "Loan", "Huyền", "Nhung", "Tâm", "Hà", "Vân", "Liên", "Ánh", "Ngọc", "Thu", "Oanh",
    "Xuân", "Sen", "Cúc", "Duyên",
];

/// Ethnicities with their share: lowland Thanh Hóa is mostly Kinh with some Mường and Thái; the hills of
/// Hiệp Đức have Co and Ca Dong (Xơ Đăng) communities.
pub const ETHNICITY_LOWLAND: &[(&str, f64)] = &[("Kinh", 95.0), ("Mường", 4.0), ("Thái", 1.0)];
pub const ETHNICITY_MOUNTAIN: &[(&str, f64)] = &[("Kinh", 82.0), ("Co", 10.0), ("Xơ Đăng", 8.0)];

pub const VILLAGE_MOUNTAIN: &[&str] = &[
    "An Lâm",
    "Trung Phước",
    "Tân An",
    "Bình Hòa",
    "Phước Hà",
    "Đồng Râm",
    "Tam Hòa",
    "Việt Sơn",
    "Nước Xa",
    "Đèo Le",
    "Hội Sơn",
    "Phước Lâm",
    "Trà Linh",
    "Cây Sanh",
    "Gò Mông",
    "Tân Phú",
];
