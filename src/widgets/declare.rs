//! The declaration macros: a widget's parameters and features are written ONCE, as typed Rust
//! (a struct field or an enum variant per parameter / feature, with its spec next to it), and
//! both the type and the `ParamSpec`/`FeatureSpec` served by `/api/widget-types` are generated
//! from that one declaration, so the spec and the code cannot disagree.
//!
//! ```ignore
//! crate::params! {
//!     pub struct Params {
//!         label: String = text("Label", 30).default("Deaths"),
//!     }
//! }
//! crate::features! {
//!     pub enum Feature for Params as p {
//!         /// Adds to the count.
//!         #[feature("increment_deaths", "Add Death")]
//!         Increment { amount: u64 = slider("By", 1.0, 100.0, 1.0).default(1) },
//!     }
//! }
//! ```
//!
//! A field's spec is a [`ParamSpec`](super::params::ParamSpec) constructor without its name (the
//! field's name is used), followed by any builder calls. In `features!`, `p` names the widget's
//! parameters inside the spec expressions, for defaults that follow them (e.g. a default color).

/// A typed parameter set (widget parameters): a serde struct plus its specs.
#[macro_export]
macro_rules! params {
    (
        $(#[$meta:meta])*
        $vis:vis struct $Name:ident {
            $(
                $field:ident : $fty:ty =
                    $ctor:ident $(::<$g:ty>)? ( $($arg:expr),* $(,)? )
                    $( . $m:ident ( $($marg:expr),* $(,)? ) )*
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        $vis struct $Name {
            $( pub $field: $fty, )*
        }

        impl $crate::widgets::typed::ParamSet for $Name {
            fn specs() -> Vec<$crate::widgets::params::ParamSpec> {
                vec![$(
                    $crate::widgets::params::ParamSpec::$ctor $(::<$g>)? (
                        stringify!($field) $(, $arg)*
                    ) $( . $m ( $($marg),* ) )*
                ),*]
            }
        }
    };
}

/// A typed feature set: an enum with a struct variant per feature (its fields are the
/// feature's parameters), internally tagged by the feature's name, plus its specs.
#[macro_export]
macro_rules! features {
    (
        $(#[$meta:meta])*
        $vis:vis enum $Name:ident for $Params:ty as $p:ident {
            $(
                $(#[doc = $doc:expr])*
                #[feature($fname:literal, $display:literal)]
                $Variant:ident {
                    $(
                        $field:ident : $fty:ty =
                            $ctor:ident $(::<$g:ty>)? ( $($arg:expr),* $(,)? )
                            $( . $m:ident ( $($marg:expr),* $(,)? ) )*
                    ),* $(,)?
                }
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(tag = "feature")]
        $vis enum $Name {
            $(
                $(#[doc = $doc])*
                #[serde(rename = $fname)]
                $Variant { $( $field: $fty ),* },
            )*
        }

        impl $crate::widgets::typed::FeatureSet for $Name {
            type Params = $Params;

            #[allow(unused_variables)]
            fn specs($p: &$Params) -> Vec<$crate::widgets::FeatureSpec> {
                vec![$(
                    $crate::widgets::FeatureSpec {
                        name: $fname,
                        display_name: $display,
                        description: concat!("" $(, $doc)*).trim(),
                        parameters: vec![$(
                            $crate::widgets::params::ParamSpec::$ctor $(::<$g>)? (
                                stringify!($field) $(, $arg)*
                            ) $( . $m ( $($marg),* ) )*
                        ),*],
                    }
                ),*]
            }

            fn name(&self) -> &'static str {
                match self {
                    $( Self::$Variant { .. } => $fname, )*
                }
            }
        }
    };
}

/// A closed set of choices for a dropdown parameter: a unit enum whose variant names are the
/// options (case-insensitive on input, canonical spelling on output).
#[macro_export]
macro_rules! choice {
    (
        $(#[$meta:meta])*
        $vis:vis enum $Name:ident { $( $(#[doc = $doc:expr])* $Variant:ident ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        $vis enum $Name { $( $(#[doc = $doc])* $Variant ),+ }

        impl $crate::widgets::typed::Choice for $Name {
            const OPTIONS: &'static [&'static str] = &[$( stringify!($Variant) ),+];
        }

        impl $Name {
            /// The option's spelling (what the spec lists and the overlay receives).
            #[allow(dead_code)]
            pub fn as_str(self) -> &'static str {
                match self { $( Self::$Variant => stringify!($Variant) ),+ }
            }
        }
    };
}
