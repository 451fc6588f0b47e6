import ChooCore
@main struct Main { static func main() {} }
