//! The adapters' list models, kept for as long as their screen: a render puts the rows it
//! computed into the model already shown, replacing only the rows that changed, so that a tick
//! that changes nothing tells Slint nothing (and the focus stays where it was).

use std::rc::Rc;

use slint::{Model, ModelRc, VecModel};

/// Puts `rows` into `shown` if it is one of ours; otherwise (the first render) hands a new
/// model to `set`.
pub(super) fn sync<T: Clone + PartialEq + 'static>(
    shown: ModelRc<T>,
    rows: Vec<T>,
    set: impl FnOnce(ModelRc<T>),
) {
    sync_by(shown, rows, |a, b| a == b, set);
}

/// `sync` for rows that hold models of their own, which `==` compares by identity: `same`
/// compares them by content.
pub(super) fn sync_by<T: Clone + 'static>(
    shown: ModelRc<T>,
    rows: Vec<T>,
    same: impl Fn(&T, &T) -> bool,
    set: impl FnOnce(ModelRc<T>),
) {
    let Some(model) = shown.as_any().downcast_ref::<VecModel<T>>() else {
        set(ModelRc::from(Rc::new(VecModel::from(rows))));
        return;
    };
    let kept = model.row_count().min(rows.len());
    while model.row_count() > rows.len() {
        model.remove(model.row_count() - 1);
    }
    let mut rows = rows.into_iter();
    for (i, row) in rows.by_ref().take(kept).enumerate() {
        if !model.row_data(i).is_some_and(|old| same(&old, &row)) {
            model.set_row_data(i, row);
        }
    }
    for row in rows {
        model.push(row);
    }
}

/// Whether two models hold the same rows.
pub(super) fn same_rows<T: PartialEq>(a: &ModelRc<T>, b: &ModelRc<T>) -> bool {
    a.row_count() == b.row_count() && a.iter().zip(b.iter()).all(|(x, y)| x == y)
}

/// A model of rows that live inside another row (a step's dates): built anew with the row.
pub(super) fn fixed<T: Clone + 'static>(rows: Vec<T>) -> ModelRc<T> {
    ModelRc::from(Rc::new(VecModel::from(rows)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    #[test]
    fn a_model_is_made_once_then_updated_in_place() {
        let holder: Rc<RefCell<ModelRc<i32>>> = Rc::new(RefCell::new(ModelRc::default()));
        let shown = holder.borrow().clone();
        sync(shown, vec![1, 2, 3], |m| *holder.borrow_mut() = m);
        let first = holder.borrow().clone();
        assert_eq!(first.iter().collect::<Vec<_>>(), [1, 2, 3]);

        let set_again =
            |_: ModelRc<i32>| unreachable!("the model shown is ours: updated, not replaced");
        sync(first.clone(), vec![1, 5], set_again);
        assert_eq!(first.iter().collect::<Vec<_>>(), [1, 5]);
        sync(first.clone(), vec![1, 5, 6, 7], set_again);
        assert_eq!(first.iter().collect::<Vec<_>>(), [1, 5, 6, 7]);
        sync(first.clone(), Vec::new(), set_again);
        assert_eq!(first.row_count(), 0);
    }

    #[test]
    fn rows_with_models_inside_are_compared_by_content() {
        let inner = |v: Vec<i32>| fixed(v);
        assert!(same_rows(&inner(vec![1, 2]), &inner(vec![1, 2])));
        assert!(!same_rows(&inner(vec![1, 2]), &inner(vec![1])));
        assert!(inner(vec![1, 2]) != inner(vec![1, 2]), "== is identity");

        let shown = fixed(vec![inner(vec![1])]);
        let before = shown.row_data(0).unwrap();
        sync_by(
            shown.clone(),
            vec![inner(vec![1])],
            same_rows,
            |_| unreachable!(),
        );
        assert!(
            shown.row_data(0).unwrap() == before,
            "an unchanged row is left alone"
        );
        sync_by(
            shown.clone(),
            vec![inner(vec![2])],
            same_rows,
            |_| unreachable!(),
        );
        assert_eq!(shown.row_data(0).unwrap().row_data(0), Some(2));
    }
}
