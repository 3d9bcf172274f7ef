//! Splits a list into pages of `per_page` items. A list with no items still has one (empty)
//! page, so `/` and `/tags/x/` exist on a site with no posts.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    /// 1-based.
    pub number: usize,
    pub total_pages: usize,
    pub items: Range<usize>,
}

pub fn paginate(total_items: usize, per_page: usize) -> Vec<Pager> {
    let total_pages = total_items.div_ceil(per_page.max(1)).max(1);
    (1..=total_pages)
        .map(|n| pager(total_items, per_page, n))
        .collect()
}

/// Page `number` (1-based) of a list of `total_items`.
pub fn pager(total_items: usize, per_page: usize, number: usize) -> Pager {
    let per_page = per_page.max(1);
    let total_pages = total_items.div_ceil(per_page).max(1);
    let start = ((number - 1) * per_page).min(total_items);
    Pager {
        number,
        total_pages,
        items: start..(start + per_page).min(total_items),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges() {
        assert_eq!(
            paginate(0, 10),
            vec![Pager {
                number: 1,
                total_pages: 1,
                items: 0..0
            }]
        );
        assert_eq!(paginate(1, 10).len(), 1);
        assert_eq!(paginate(10, 10).len(), 1);
        let p = paginate(11, 10);
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].items, 10..11);
    }
}
