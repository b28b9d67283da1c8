//! AO3's rules for usernames and pseuds.

use crate::StoreError;
/// AO3's username rule: 3 to 40 letters, digits and underscores, starting and ending with a
/// letter or digit.
pub(crate) fn check_username(name: &str) -> Result<(), StoreError> {
    let n = name.chars().count();
    let ok_chars = name.chars().all(|c| c.is_alphanumeric() || c == '_');
    let ends_ok = name.chars().next().is_some_and(char::is_alphanumeric)
        && name.chars().last().is_some_and(char::is_alphanumeric);
    if !(3..=40).contains(&n) || !ok_chars || !ends_ok {
        return Err(StoreError::invalid(
            "username",
            "A username is 3 to 40 letters, numbers or underscores, and starts and ends with a letter or number.",
        ));
    }
    Ok(())
}

/// AO3's pseud rule: 1 to 40 letters, digits, spaces, underscores and hyphens.
pub(crate) fn check_pseud_name(name: &str) -> Result<(), StoreError> {
    let n = name.chars().count();
    if !(1..=40).contains(&n) || !name.chars().all(|c| c.is_alphanumeric() || " _-".contains(c)) || name.trim() != name
    {
        return Err(StoreError::invalid(
            "name",
            "A pseud is 1 to 40 letters, numbers, spaces, underscores or hyphens, with no space at either end.",
        ));
    }
    Ok(())
}
