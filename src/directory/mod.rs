//! The district's directory: district → towns (镇/街道) → villages and communities
//! (村/社区) → grids (网格), and at each place its handlers by role. Used to recognise
//! where a resident lives and to find the person a case goes to.

mod model;
mod places;
mod validate;

pub use model::{Directory, Grid, Handler, Town, Village};
pub use places::{PlaceMatch, PlaceRef};
pub use validate::DirectoryError;
