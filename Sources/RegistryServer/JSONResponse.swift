import Foundation
public import HTTPTypes
public import Hummingbird
public import RightsRegistry

extension Response {
    /// A JSON answer in canonical form.
    public static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:])
        -> Response
    {
        json(canonical: CanonicalJSON.bytes(value), status: status, headers: headers)
    }

    /// A JSON answer already written in canonical form.
    public static func json(canonical bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:])
        -> Response
    {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    public static func text(
        _ text: String, contentType: String = "text/plain; charset=utf-8", status: HTTPResponse.Status = .ok
    )
        -> Response
    {
        Response(
            status: status, headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

extension Request {
    /// The body as bytes.
    public func bytes(context: RegistryRequestContext) async throws -> [UInt8] {
        do {
            let buffer = try await body.collect(upTo: context.maxUploadSize)
            return Array(buffer.readableBytesView)
        } catch let error as HTTPError {
            throw error
        } catch {
            throw Problem(status: .contentTooLarge, code: "validation.body", detail: "the body is larger than 1 MB")
        }
    }

    /// The body's JSON object, to be read field by field; malformed JSON is a 400.
    public func fields(context: RegistryRequestContext) async throws -> FieldReader {
        let bytes = try await bytes(context: context)
        guard !bytes.isEmpty else {
            throw Problem(status: .badRequest, code: "validation.body", detail: "the body is empty")
        }
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) in try FieldReader(json: buffer) }
        }
        do {
            return try result.get()
        } catch {
            throw Problem(status: .badRequest, code: "validation.body", detail: "\(error)")
        }
    }

    /// A query parameter given at most once, if present.
    public func query(_ name: String) throws -> String? {
        let values = uri.queryParameters.getAll(name)
        guard values.count <= 1 else { throw RegistryError.invalid(name, "given more than once") }
        return values.first
    }

    /// A query parameter that must be a non-negative integer, if present.
    public func integerQuery(_ name: String) throws -> UInt64? {
        guard let text = try query(name) else { return nil }
        guard let value = UInt64(text) else {
            throw RegistryError.invalid(name, "must be a non-negative integer")
        }
        return value
    }

    /// A query parameter that must be `true` or `false`; absent is false.
    public func booleanQuery(_ name: String) throws -> Bool {
        switch try query(name) {
        case nil, "false": false
        case "true": true
        default: throw RegistryError.invalid(name, "must be true or false")
        }
    }
}
