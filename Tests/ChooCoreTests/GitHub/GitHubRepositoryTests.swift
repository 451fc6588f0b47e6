import ChooCore
import Testing

struct GitHubRepositoryTests {
    @Test(
        "remote URLs of every form name the host, owner and repository",
        arguments: [
            ("https://github.com/octo/widgets", "github.com"),
            ("https://github.com/octo/widgets.git", "github.com"),
            ("https://github.com/octo/widgets/", "github.com"),
            ("https://github.com/octo/widgets.git//", "github.com"),
            ("http://github.com/octo/widgets", "github.com"),
            ("https://someone@github.com/octo/widgets.git", "github.com"),
            ("https://someone:secret@github.com/octo/widgets", "github.com"),
            ("https://GitHub.com:443/octo/widgets", "github.com"),
            ("https://git.example.com:8443/octo/widgets", "git.example.com:8443"),
            ("git@github.com:octo/widgets.git", "github.com"),
            ("git@github.com:octo/widgets", "github.com"),
            ("github.com:octo/widgets.git", "github.com"),
            ("git@ghe.example.com:octo/widgets.git", "ghe.example.com"),
            ("ssh://git@github.com/octo/widgets.git", "github.com"),
            ("ssh://git@github.com/octo/widgets", "github.com"),
            ("ssh://git@github.com:2222/octo/widgets.git", "github.com"),
            ("ssh://git@ghe.example.com:2222/octo/widgets", "ghe.example.com"),
            ("git://github.com/octo/widgets", "github.com"),
            ("git+ssh://git@github.com/octo/widgets.git", "github.com"),
            ("  https://github.com/octo/widgets\n", "github.com"),
        ]
    )
    func parses(url: String, host: String) throws {
        let repository = try #require(GitHubRepository.parse(remoteURL: url))
        #expect(repository == GitHubRepository(host: host, owner: "octo", name: "widgets"))
    }

    @Test(
        "local paths and URLs without exactly an owner and a name are not GitHub repositories",
        arguments: [
            "", "/srv/git/widgets.git", "./widgets", "../octo/widgets", "file:///srv/octo/widgets.git",
            "/home/me/octo:widgets", "https://github.com/octo", "https://github.com/octo/widgets/tree/main",
            "https://github.com//widgets", "git@github.com:widgets.git", "git@github.com:a/b/c", "ftp://github.com/o/r",
            "https://github.com/octo/wid gets", "https:///octo/widgets", "ssh://git@github.com:port/octo/widgets",
        ]
    )
    func rejects(url: String) {
        #expect(GitHubRepository.parse(remoteURL: url) == nil)
    }

    @Test("names keep their case and may hold dots, dashes and underscores; .git is dropped once")
    func names() throws {
        let repository = try #require(GitHubRepository.parse(remoteURL: "git@github.com:My-Org/my_repo.js.git"))
        #expect(repository.owner == "My-Org")
        #expect(repository.name == "my_repo.js")
        #expect(repository.description == "My-Org/my_repo.js")
    }

    @Test(
        "the API root follows the host unless overridden",
        arguments: [
            ("github.com", nil, "https://api.github.com"),
            ("www.github.com", nil, "https://api.github.com"),
            ("ghe.example.com", nil, "https://ghe.example.com/api/v3"),
            ("git.example.com:8443", nil, "https://git.example.com:8443/api/v3"),
            ("octo.ghe.com", nil, "https://api.octo.ghe.com"),
            ("github.com", "http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
            ("ghe.example.com", "https://ghe.example.com/api/v3//", "https://ghe.example.com/api/v3"),
            ("github.com", "  ", "https://api.github.com"),
        ] as [(String, String?, String)]
    )
    func apiURL(host: String, override: String?, expected: String) {
        let repository = GitHubRepository(host: host, owner: "octo", name: "widgets")
        #expect(repository.apiURL(override: override) == expected)
    }
}
