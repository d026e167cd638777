/// A bank's collateral search: every search logs one (issue 16: through `Codable` it was 1.3 % of
/// the search server's samples). `CanonicalOutputTests` holds it to its `Codable` bytes.
extension CollateralSearched: CanonicalOutputWritable {
    package func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.member("certificate", ifPresent: certificate)
            output.key("holder_match")
            output.bool(holderMatch)
            output.member("party", party)
            output.member("purpose", purpose)
            output.member("right", right.rawValue)
        }
    }
}
