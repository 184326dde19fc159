// deck_figures_test — what the slide decks promise (issue 10):
//  - every figure a deck references is an output of //slides:figures, drawn
//    from a trace of a real run (the manifest says which), and exists;
//  - no image is checked in under slides/;
//  - every SVG figure is well-formed XML (own checker, and xmllint when the
//    machine has it); every trace starts like a trace file and has packets;
//  - every topic of the seed (seed-topics.md) has a slide with a figure;
//  - the handshake and close figures show the textbook's states in order.
// The decks are read from the runfiles; a failure names deck and line.
#include <dirent.h>
#include <unistd.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string Root()
{
    const char* srcdir = std::getenv("TEST_SRCDIR");
    const char* ws = std::getenv("TEST_WORKSPACE");
    return std::string(srcdir ? srcdir : ".") + "/" + (ws ? ws : "tunlab") + "/";
}

bool ReadFile(const std::string& path, std::string* out)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    std::stringstream s;
    s << in.rdbuf();
    *out = s.str();
    return true;
}

std::string MustRead(const std::string& rel)
{
    std::string text;
    EXPECT_TRUE(ReadFile(Root() + rel, &text)) << "cannot read " << rel;
    return text;
}

struct Deck {
    std::string name;   // "05-tcp-connections.md"
    std::string text;
};

std::vector<Deck> Decks()
{
    std::vector<Deck> decks;
    std::string dir = Root() + "slides/decks";
    DIR* d = opendir(dir.c_str());
    if (d == nullptr)
        return decks;
    while (dirent* e = readdir(d)) {
        std::string n = e->d_name;
        if (n.size() > 3 && n.compare(n.size() - 3, 3, ".md") == 0) {
            Deck deck{n, ""};
            ReadFile(dir + "/" + n, &deck.text);
            decks.push_back(deck);
        }
    }
    closedir(d);
    std::sort(decks.begin(), decks.end(),
              [](const Deck& a, const Deck& b) { return a.name < b.name; });
    return decks;
}

struct Ref {
    std::string path;   // "fig/tcp_close.svg"
    int line;
};

// ![...](X) images and <!-- include: X --> text figures.
std::vector<Ref> Refs(const std::string& text)
{
    static const std::regex image(R"(!\[[^\]]*\]\(([^)\s]*)\))");
    static const std::regex include(R"(<!--\s*include:\s*(\S+)\s*-->)");
    std::vector<Ref> refs;
    std::istringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        n++;
        for (const std::regex* re : {&image, &include})
            for (std::sregex_iterator it(line.begin(), line.end(), *re), end; it != end; ++it)
                refs.push_back({(*it)[1].str(), n});
    }
    return refs;
}

struct Figure {
    std::string source;   // "traces/tcp_close.trace" or a script's label
    std::string kind;     // ladder, ladder-text, seqplot, cwnd, dump, script-log
};

std::map<std::string, Figure> Manifest()
{
    std::map<std::string, Figure> m;
    std::istringstream in(MustRead("slides/figures.manifest"));
    std::string out, source, kind;
    while (in >> out >> source >> kind)
        m[out] = {source, kind};
    return m;
}

// `  name="value" name='value'` and nothing else (by hand: std::regex
// recurses once per character and overflows the stack on long path data).
bool AttributesOk(const std::string& s, std::string* bad)
{
    size_t i = 0;
    auto space = [&](size_t at) { return at < s.size() && std::isspace((unsigned char)s[at]); };
    auto name_char = [&](size_t at) {
        return at < s.size() && (std::isalnum((unsigned char)s[at]) || s[at] == '-' ||
                                 s[at] == '_' || s[at] == '.' || s[at] == ':');
    };
    while (true) {
        size_t before = i;
        while (space(i))
            i++;
        if (i >= s.size())
            return true;
        if (i == before || !(std::isalpha((unsigned char)s[i]) || s[i] == '_'))
            break;
        while (name_char(i))
            i++;
        while (space(i))
            i++;
        if (i >= s.size() || s[i] != '=')
            break;
        i++;
        while (space(i))
            i++;
        if (i >= s.size() || (s[i] != '"' && s[i] != '\''))
            break;
        size_t close = s.find(s[i], i + 1);
        if (close == std::string::npos)
            break;
        i = close + 1;
    }
    *bad = s.substr(i, 40);
    return false;
}

// A small well-formedness check: one root element, every tag closed in
// order, attributes quoted, only XML's entities, no stray '<'.
bool WellFormedXml(const std::string& x, std::string* why)
{
    std::vector<std::string> open;
    size_t i = 0, roots = 0;
    auto fail = [&](const std::string& m) {
        *why = m + " at byte " + std::to_string(i);
        return false;
    };
    while (i < x.size()) {
        if (x[i] == '&') {
            size_t semi = x.find(';', i);
            if (semi == std::string::npos || semi - i > 10)
                return fail("bad entity");
            std::string ent = x.substr(i + 1, semi - i - 1);
            static const std::set<std::string> named = {"amp", "lt", "gt", "quot", "apos"};
            if (!named.count(ent) && !std::regex_match(ent, std::regex("#[0-9]+|#x[0-9a-fA-F]+")))
                return fail("unknown entity &" + ent + ";");
            i = semi + 1;
            continue;
        }
        if (x[i] != '<') {
            if (open.empty() && !isspace((unsigned char)x[i]))
                return fail("text outside the root element");
            i++;
            continue;
        }
        if (x.compare(i, 4, "<!--") == 0) {
            size_t end = x.find("-->", i);
            if (end == std::string::npos)
                return fail("unclosed comment");
            i = end + 3;
            continue;
        }
        if (x.compare(i, 2, "<?") == 0) {
            size_t end = x.find("?>", i);
            if (end == std::string::npos)
                return fail("unclosed declaration");
            i = end + 2;
            continue;
        }
        if (x.compare(i, 9, "<![CDATA[") == 0) {
            size_t end = x.find("]]>", i);
            if (end == std::string::npos)
                return fail("unclosed CDATA");
            i = end + 3;
            continue;
        }
        // A tag: find its end outside quoted attribute values.
        size_t j = i + 1;
        char quote = 0;
        for (; j < x.size(); j++) {
            if (quote) {
                if (x[j] == quote)
                    quote = 0;
                else if (x[j] == '<')
                    return fail("'<' inside an attribute value");
            } else if (x[j] == '"' || x[j] == '\'') {
                quote = x[j];
            } else if (x[j] == '>') {
                break;
            } else if (x[j] == '<') {
                return fail("'<' inside a tag");
            }
        }
        if (j >= x.size())
            return fail("unclosed tag");
        std::string tag = x.substr(i + 1, j - i - 1);
        bool closing = !tag.empty() && tag[0] == '/';
        bool empty = !tag.empty() && tag.back() == '/';
        std::smatch m;
        static const std::regex name_re(R"(^/?([A-Za-z_][-A-Za-z0-9_.:]*))");
        if (!std::regex_search(tag, m, name_re))
            return fail("a tag without a name");
        std::string name = m[1];
        if (!closing) {
            std::string rest = tag.substr(m[0].length(), tag.size() - m[0].length() - (empty ? 1 : 0));
            std::string bad;
            if (!AttributesOk(rest, &bad))
                return fail("bad attributes in <" + name + ">: '" + bad + "'");
        }
        if (closing) {
            if (open.empty() || open.back() != name)
                return fail("</" + name + "> closes " + (open.empty() ? "nothing" : "<" + open.back() + ">"));
            open.pop_back();
        } else if (!empty) {
            if (open.empty())
                roots++;
            open.push_back(name);
        } else if (open.empty()) {
            roots++;
        }
        i = j + 1;
    }
    if (!open.empty())
        return fail("<" + open.back() + "> is never closed");
    if (roots != 1)
        return fail(std::to_string(roots) + " root elements");
    return true;
}

TEST(Decks, ThereIsAnIntroductionAndADeckPerLayer)
{
    std::vector<Deck> decks = Decks();
    ASSERT_GE(decks.size(), 8u) << "introduction, physical, data link, network, transport "
                                   "(UDP, TCP...), session/presentation, application";
    std::string names;
    for (const Deck& d : decks) {
        names += d.name + " ";
        EXPECT_EQ(d.text.rfind("---\nmarp: true\n", 0), 0u) << d.name << ": Marp front matter first";
        EXPECT_NE(d.text.find("theme: tunlab"), std::string::npos) << d.name;
        EXPECT_FALSE(Refs(d.text).empty()) << d.name << " shows no figure";
    }
    for (const char* layer : {"intro", "physical", "datalink", "network", "udp", "tcp",
                              "session", "application"})
        EXPECT_NE(names.find(layer), std::string::npos) << "no deck named *" << layer << "*: " << names;
}

TEST(Decks, EveryFigureIsDrawnByTheBuildFromATrace)
{
    std::map<std::string, Figure> manifest = Manifest();
    ASSERT_FALSE(manifest.empty());
    for (const Deck& d : Decks()) {
        for (const Ref& r : Refs(d.text)) {
            SCOPED_TRACE(d.name + ":" + std::to_string(r.line) + ": " + r.path);
            EXPECT_EQ(r.path.rfind("fig/", 0), 0u) << "figures are fig/NAME (built), not a URL or a file";
            auto it = manifest.find(r.path);
            ASSERT_NE(it, manifest.end()) << "not an output of //slides:figures";
            std::string bytes;
            ASSERT_TRUE(ReadFile(Root() + "slides/" + r.path, &bytes)) << "not built";
            EXPECT_GT(bytes.size(), 100u);
        }
    }
}

TEST(Decks, NoImageIsCheckedIn)
{
    std::string list = MustRead("slides/checked_in_images.txt");
    EXPECT_EQ(list.find_first_not_of(" \n"), std::string::npos)
        << "images under slides/ must be drawn by the build, not checked in:\n" << list;
}

TEST(Figures, EachComesFromARealRun)
{
    static const std::set<std::string> kinds = {"ladder", "ladder-text", "seqplot", "cwnd",
                                                "dump", "script-log"};
    for (const auto& f : Manifest()) {
        SCOPED_TRACE(f.first + " <- " + f.second.source);
        EXPECT_TRUE(kinds.count(f.second.kind)) << f.second.kind;
        std::string out = MustRead("slides/" + f.first);
        if (f.second.kind == "script-log") {
            EXPECT_NE(out.find("PASS "), std::string::npos) << "the script must pass";
            continue;
        }
        std::string trace;
        ASSERT_TRUE(ReadFile(Root() + "slides/" + f.second.source, &trace)) << "trace missing";
        EXPECT_EQ(trace.rfind("tunlab-trace 1\n", 0), 0u) << "not a trace file";
        EXPECT_TRUE(trace.find("\" out \"") != std::string::npos &&
                    trace.find("\" in \"") != std::string::npos)
            << "a trace of a run has packets sent and received";
    }
}

TEST(Figures, EverySvgIsWellFormed)
{
    bool xmllint = access("/usr/bin/xmllint", X_OK) == 0;
    int svgs = 0;
    for (const auto& f : Manifest()) {
        if (f.first.size() < 4 || f.first.compare(f.first.size() - 4, 4, ".svg") != 0)
            continue;
        svgs++;
        SCOPED_TRACE(f.first);
        std::string svg = MustRead("slides/" + f.first), why;
        EXPECT_TRUE(WellFormedXml(svg, &why)) << why;
        EXPECT_NE(svg.find("<svg"), std::string::npos);
        if (xmllint) {
            std::string cmd = "/usr/bin/xmllint --noout '" + Root() + "slides/" + f.first + "'";
            EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
        }
    }
    EXPECT_GE(svgs, 20);
}

TEST(Figures, TheCheckerRejectsBrokenXml)
{
    std::string why;
    EXPECT_TRUE(WellFormedXml("<?xml version=\"1.0\"?>\n<svg a=\"1\"><g><text>x &amp; y</text></g><line/></svg>\n", &why)) << why;
    for (const char* bad : {"<svg><g></svg>", "<svg a=1></svg>", "<svg>&nbsp;</svg>",
                            "<svg></svg><svg></svg>", "<svg><text>a < b</text></svg>",
                            "<svg", "text<svg/>"})
        EXPECT_FALSE(WellFormedXml(bad, &why)) << bad;
}

// The seed's topics (seed-topics.md, column "seed heading"), as the decks
// quote them: each needs a slide that names it and shows a figure.
TEST(Decks, EverySeedTopicHasASlideWithAFigure)
{
    static const char* const topics[] = {
        "物理层",
        "三次握手",
        "四次挥手",
        "为什么连接三次、关闭四次",
        "为什么 TIME_WAIT 要 2MSL",
        "time_wait 如何避免",
        "为什么不能两次握手",
        "客户端突然故障",
        "三次握手的隐患",
        "滑动窗口与流量控制",
        "有了拥塞控制为什么还拥塞",
        "TCP 粘包、拆包",
        "UDP 会不会粘包",
        "TCP 和 UDP 各自的特点",
        "UDP 怎么实现可靠传输",
        "UDP 为什么会乱序",
        "为什么比 TCP 快",
        "close_wait 作用",
        "HTTP 长连接与短连接",
        "输入 www.baidu.com 发生了什么",
    };
    std::vector<std::string> slides;
    for (const Deck& d : Decks()) {
        std::string text = d.text;
        size_t start = 0, sep;
        while ((sep = text.find("\n---\n", start)) != std::string::npos) {
            slides.push_back(d.name + ": " + text.substr(start, sep - start));
            start = sep + 5;
        }
        slides.push_back(d.name + ": " + text.substr(start));
    }
    for (const char* topic : topics) {
        bool named = false, shown = false;
        for (const std::string& s : slides) {
            if (s.find(topic) == std::string::npos)
                continue;
            named = true;
            shown = shown || !Refs(s).empty();
        }
        EXPECT_TRUE(named) << "no slide names the seed topic " << topic;
        EXPECT_TRUE(shown) << "no slide that names " << topic << " shows a figure";
    }
}

// The states a textbook writes beside the handshake and the close, in order,
// in the figures the real runs produced.
void ExpectInOrder(const std::string& text, const std::vector<std::string>& words)
{
    size_t at = 0;
    for (const std::string& w : words) {
        size_t found = text.find(w, at);
        ASSERT_NE(found, std::string::npos) << w << " missing (or out of order) in:\n" << text;
        at = found + w.size();
    }
}

TEST(Figures, HandshakeAndCloseShowTheTextbookStates)
{
    std::string hs = MustRead("slides/fig/tcp_handshake_text.txt");
    ExpectInOrder(hs, {"[LISTEN]", "[SYN_SENT]", "SYN seq=", "[SYN_RECV]", "SYN+ACK seq=",
                       "[ESTABLISHED]", "ACK ack=", "[ESTABLISHED]"});
    std::string close = MustRead("slides/fig/tcp_close_text.txt");
    ExpectInOrder(close, {"[FIN_WAIT_1]", "FIN seq=1", "[CLOSE_WAIT]", "ACK ack=2", "[FIN_WAIT_2]",
                          "seq=1:101 (100)", "[LAST_ACK]", "FIN seq=101", "ACK ack=102",
                          "[TIME_WAIT]", "[CLOSED]", "later", "[CLOSED]"});
    std::string svg = MustRead("slides/fig/tcp_close.svg");
    ExpectInOrder(svg, {"FIN_WAIT_1", "CLOSE_WAIT", "FIN_WAIT_2", "LAST_ACK", "TIME_WAIT"});
}

}  // namespace
