//! Household facts: the survey answers a reviewer records. The indicator rules of a standard
//! ([`crate::rules`]) read only these, so a corrected legal definition is a change to the standard file.

use serde::Deserialize;

/// Declares a closed vocabulary: an enum whose values have stable snake_case codes used in files and rules.
macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const CODES: &'static [&'static str] = &[$($code),+];
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }

            /// The position of this value in [`Self::CODES`], used by compiled rules.
            pub fn ordinal(self) -> u8 {
                self as u8
            }
        }
    };
}

vocabulary!(
    /// Sex as recorded on the forms (1 male, 2 female).
    Sex { Male = "male", Female = "female" }
);

vocabulary!(
    /// The highest level of schooling or training finished.
    Education {
        None = "none",
        Primary = "primary",
        LowerSecondary = "lower_secondary",
        UpperSecondary = "upper_secondary",
        Vocational = "vocational",
        College = "college",
    }
);

vocabulary!(
    /// Work over the last twelve months.
    Employment {
        WageWithContract = "wage_with_contract",
        WageNoContract = "wage_no_contract",
        SelfEmployed = "self_employed",
        Farming = "farming",
        Unemployed = "unemployed",
        NotInLabourForce = "not_in_labour_force",
    }
);

vocabulary!(
    /// What a part of the dwelling (walls, columns, roof) is made of.
    Material { Durable = "durable", NonDurable = "non_durable" }
);

vocabulary!(
    /// The main source of water for daily use.
    WaterSource {
        Piped = "piped",
        Borehole = "borehole",
        ProtectedWell = "protected_well",
        ProtectedSpring = "protected_spring",
        Rainwater = "rainwater",
        Bottled = "bottled",
        UnprotectedWell = "unprotected_well",
        UnprotectedSpring = "unprotected_spring",
        SurfaceWater = "surface_water",
        Other = "other",
    }
);

vocabulary!(
    /// The latrine the household uses.
    Latrine {
        Septic = "septic",
        SemiSeptic = "semi_septic",
        PourFlush = "pour_flush",
        VentilatedPit = "ventilated_pit",
        DoubleVault = "double_vault",
        PitWithoutSlab = "pit_without_slab",
        Hanging = "hanging",
        None = "none",
    }
);

vocabulary!(
    /// How household waste is handled.
    Waste {
        Collected = "collected",
        TreatedOnSite = "treated_on_site",
        Burned = "burned",
        Dumped = "dumped",
    }
);

/// One member of the household as surveyed.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberFacts {
    /// Completed years of age at the review date.
    pub age: u8,
    pub birth_year: i32,
    pub sex: Sex,
    #[serde(default)]
    pub in_school: bool,
    pub education: Education,
    #[serde(default)]
    pub health_insurance: bool,
    pub employment: Employment,
    #[serde(default)]
    pub on_the_job_training: bool,
    #[serde(default)]
    pub disability: bool,
    /// Receives a monthly social allowance (elderly, disabled).
    #[serde(default)]
    pub monthly_allowance: bool,
    /// Was ill or injured in the last twelve months and did not seek treatment.
    #[serde(default)]
    pub sick_untreated: bool,
    /// A child found stunted or underweight.
    #[serde(default)]
    pub malnourished: bool,
}

/// The household's dwelling, services and devices as surveyed.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HouseholdFacts {
    pub members: Vec<MemberFacts>,
    pub walls: Material,
    pub columns: Material,
    pub roof: Material,
    /// Floor area of the dwelling in square metres.
    pub floor_area: f64,
    pub water_source: WaterSource,
    pub latrine: Latrine,
    pub waste: Waste,
    #[serde(default)]
    pub uses_phone: bool,
    #[serde(default)]
    pub uses_internet: bool,
    #[serde(default)]
    pub tv: bool,
    #[serde(default)]
    pub radio: bool,
    #[serde(default)]
    pub computer: bool,
    #[serde(default)]
    pub smartphone: bool,
    #[serde(default)]
    pub tablet: bool,
    /// Can hear the commune or village loudspeaker system.
    #[serde(default)]
    pub loudspeaker: bool,
}

impl HouseholdFacts {
    /// How many of walls, columns and roof are of non-durable materials (0 to 3).
    pub fn non_durable_parts(&self) -> u8 {
        [self.walls, self.columns, self.roof]
            .iter()
            .filter(|m| **m == Material::NonDurable)
            .count() as u8
    }

    pub fn floor_area_per_person(&self) -> f64 {
        if self.members.is_empty() {
            self.floor_area
        } else {
            self.floor_area / self.members.len() as f64
        }
    }
}

impl HouseholdFacts {
    /// Reads the facts of one household from TOML (the format of `giamngheo explain`). The error is the
    /// parser's message, which names the line and the field.
    pub fn from_toml(text: &str) -> Result<HouseholdFacts, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}
