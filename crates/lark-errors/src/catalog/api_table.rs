// Bootstrap until `cargo xtask codegen` reads the API pages: no APIs yet.
use super::{Api, RouteNode};
use crate::catalog::{Entry, Source};
pub(super) static PAGES: [Source; 0] = [];
pub(super) static APIS: [Api; 0] = [];
pub(super) static CODES: [u32; 0] = [];
pub(super) static ENTRIES: [Entry; 0] = [];
pub(super) static API_ENTRIES: [&Entry; 0] = [];
pub(super) static ROUTES: [RouteNode; 0] = [];
