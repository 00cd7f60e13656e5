#[test]
fn display_text_fills_known_placeholders_and_keeps_the_rest() {
    let values: Values = [("deployment".to_owned(), "payment".to_owned())].into();
    assert_eq!(
        super::display_text(
            "Roll back {{ deployment }} ({{deployment}}) in {{ cluster }} {{ x",
            &values
        ),
        "Roll back payment (payment) in {{ cluster }} {{ x"
    );
}
