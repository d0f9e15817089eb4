//! Start-up reads one CA bundle file. Its own test binary: it changes the process environment,
//! which no other test may be reading at the time.

#[test]
fn start_up_names_the_ca_bundle_file_unless_told_otherwise() {
    std::env::remove_var("SSL_CERT_FILE");
    std::env::set_var("SSL_CERT_DIR", "/somewhere/chosen");
    sfbridge::aws::use_the_ca_bundle_file();
    assert_eq!(
        std::env::var_os("SSL_CERT_FILE"),
        None,
        "an operator's choice stands"
    );

    std::env::remove_var("SSL_CERT_DIR");
    sfbridge::aws::use_the_ca_bundle_file();
    // This machine, like Lambda's images, has a system CA bundle file: that one file is used.
    let bundle = std::env::var_os("SSL_CERT_FILE").expect("the bundle is named");
    let text = std::fs::read_to_string(&bundle).expect("the bundle is readable");
    assert!(text.contains("-----BEGIN CERTIFICATE-----"), "{bundle:?}");

    std::env::set_var("SSL_CERT_FILE", "/an/operators/bundle.pem");
    sfbridge::aws::use_the_ca_bundle_file();
    assert_eq!(
        std::env::var("SSL_CERT_FILE").as_deref(),
        Ok("/an/operators/bundle.pem")
    );
}
