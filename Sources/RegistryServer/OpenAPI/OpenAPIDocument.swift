public import RightsRegistry

/// `/openapi.json`: OpenAPI 3.1, generated from the same endpoint list the router is built
/// from, with every route's problem answers.
public enum OpenAPIDocument {
    public static func build(endpoints: [Endpoint], origin: String?) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for endpoint in endpoints {
            var item = paths[endpoint.path]?.objectValue ?? [:]
            item[endpoint.method.rawValue.lowercased()] = operation(endpoint)
            paths[endpoint.path] = .object(item)
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Rural property rights registry and exchange",
                "version": "1",
                "description": .string(
                    "The register of \(origin ?? "a county registry"): clerks' registry acts, the verifiable log, certificates, "
                        + "banks' collateral searches. Errors are RFC 9457 problem+json with a stable code. "
                        + "Every input is bounded before a rule sees it: dates 1900-01-01…2199-12-31, money up to 10^15 fen, "
                        + "text up to 500 characters without control characters, arrays up to 1,000 elements."),
            ],
            "paths": .object(paths),
            "components": [
                "schemas": .object(Schemas.components),
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
            ],
        ]
    }

    static func operation(_ endpoint: Endpoint) -> JSONValue {
        let operation = endpoint.operation
        var responses: [String: JSONValue] = [:]
        for (status, answer) in operation.responses {
            responses[String(status)] = [
                "description": .string(answer.description),
                "content": .object(answer.content.mapValues { ["schema": $0] }),
            ]
        }
        func problem(_ status: Int, _ description: String) {
            responses[String(status)] = [
                "description": .string(description),
                "content": ["application/problem+json": ["schema": Schemas.ref("Problem")]],
            ]
        }
        problem(400, "malformed request (bad JSON, bad header)")
        if endpoint.path.contains("{") || operation.body != nil { problem(404, "no such thing on the register") }
        problem(405, "the path does not answer this method")
        // A token that is not (or no longer) ours is refused everywhere, public routes included.
        problem(401, "no token, or a token this registry did not issue, or one revoked or expired")
        if endpoint.access != .everyone { problem(403, "the token's role or region does not allow this") }
        if operation.body != nil || !operation.parameters.isEmpty {
            problem(
                422,
                "invalid input, or refused by a rule of the rule book (the code names it)")
        }
        if endpoint.method == .post || endpoint.path.contains("{") {
            problem(
                409,
                "conflicts with the register as it is now, e.g. an announced right has no certificate yet (nothing was written)"
            )
        }
        if endpoint.method == .post { problem(413, "the body is too large") }

        problem(429, "too many unknown tokens from this address: wait `Retry-After` seconds")
        problem(500, "the register contradicts itself")
        problem(503, "the store or the keys are not available")

        var object: [String: JSONValue] = [
            "operationId": .string(operation.id),
            "summary": .string(operation.summary),
            "tags": .array(operation.tags.map(JSONValue.string)),
            "responses": .object(responses),
            "security": endpoint.access == .everyone ? .array([]) : [["bearer": []]],
        ]
        if !operation.parameters.isEmpty {
            object["parameters"] = .array(
                operation.parameters.map { parameter in
                    [
                        "name": .string(parameter.name), "in": .string(parameter.location.rawValue),
                        "required": .bool(parameter.required), "description": .string(parameter.description),
                        "schema": parameter.schema,
                    ]
                })
        }
        if let body = operation.body {
            let content = Dictionary(
                uniqueKeysWithValues: body.contentTypes.map { ($0, ["schema": body.schema] as JSONValue) })
            object["requestBody"] = ["required": true, "content": .object(content)]
        }
        return .object(object)
    }
}
