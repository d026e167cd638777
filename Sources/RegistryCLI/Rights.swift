@main struct Rights { static func main() {} }
