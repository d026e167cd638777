import HTTPTypes
import Hummingbird
import RightsRegistry

/// The log as C2SP tlog-tiles under `/v1/log`: `checkpoint` (PublicController), hash tiles
/// `tile/<L>/<N>[.p/<W>]` for everyone — immutable, cacheable for a year — and entries tiles
/// `tile/entries/<N>[.p/<W>]` for administrators only (entries are private, C-4; the hashes
/// are what anyone checks). A tile is served once the tree holds every leaf it depends on, and
/// a partial tile of any width up to that size, so a client at any published checkpoint finds
/// the tiles it needs.
struct TileController {
    let services: RegistryServices

    /// The N part of a tile path has one to three groups, and a partial tile one segment more.
    static let shapes = ["{a}", "{a}/{b}", "{a}/{b}/{c}", "{a}/{b}/{c}/{d}"]

    var endpoints: [Endpoint] {
        Self.shapes.map { shape in
            Endpoint(
                .get, "/v1/log/tile/{level}/\(shape)", access: .everyone,
                Operation(
                    id: "tile" + String(shape.filter { $0 == "/" }.count + 1),
                    summary:
                        "A C2SP tlog-tiles tile: `{level}` 0–63 (hashes, public) or `entries` (administrators); then N in three-digit groups (`x001/234`), and `.p/W` for a partial tile.",
                    tags: ["log"],
                    parameters: [Parameter("level", in: .path, "the tile's level, or `entries`")]
                        + shape.split(separator: "/").map { segment in
                            Parameter(String(segment.dropFirst().dropLast()), in: .path, "a segment of the tile's path")
                        },
                    responses: [
                        200: Operation.Answer(
                            "the tile's bytes", "application/octet-stream", ["type": "string", "format": "binary"])
                    ])
            ) { _, context in try await tile(context) }
        }
    }

    func tile(_ context: RegistryRequestContext) async throws -> Response {
        let level = try context.parameter("level")
        let segments = ["a", "b", "c", "d"].compactMap { context.parameters.get($0) }
        guard let path = Tiles.Path(level: level, segments) else {
            throw RegistryError.notFound("tile", ([level] + segments).joined(separator: "/"))
        }
        let store = services.registry.store
        guard let needed = path.leavesNeeded, needed <= (try await store.size()) else {
            throw RegistryError.notFound("tile", ([level] + segments).joined(separator: "/"))
        }
        let bytes: [UInt8]
        if path.level == nil {
            guard let principal = context.principal else {
                throw Problem.unauthorized("entries are private (C-4): an administrator's token reads entries tiles")
            }
            guard principal.role == .admin else {
                throw Problem.forbidden("auth.role", "entries are private (C-4): the tree's hash tiles are public")
            }
            let first = path.index * Tiles.width
            bytes = try Tiles.entryBundle(try await store.entries(first..<(first + path.count)).map(\.bytes))
        } else {
            bytes = try await Tiles.hashTile(path, reader: store)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/octet-stream",
                .cacheControl: path.level == nil ? "private, no-store" : "public, max-age=31536000, immutable",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
