// test_notebook.cpp - `wi notebook`: the base64 encoder against RFC 4648's vectors, the escaper,
// a well-formedness checker for the page (and proof that it rejects what it must), every
// embedded figure decoded back to pixels, the answers against the numbers printed beside them,
// the printed commands run alone for three cells, usage errors, -q, Ctrl-C, and (where Debian's
// chromium is installed) the page rendered headless.
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "app/html.h"
#include "core/fsutil.h"
#include "test_png.h"
#include "test_util.h"

using wi_test::contains;

namespace {

std::string data_flags() { return " --no-fetch --data '" + wi_test::sample_dir() + "'"; }

// The test's own decoder (so the encoder is not checked against itself). Empty on a bad character.
bool base64_decode(const std::string& s, std::string* out) {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (s.size() % 4 != 0) return false;
    out->clear();
    for (std::size_t i = 0; i < s.size(); i += 4) {
        unsigned v = 0;
        int pad = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = s[i + k];
            if (c == '=' && i + 4 == s.size() && k >= 2) {
                ++pad;
                v <<= 6;
                continue;
            }
            const std::size_t d = alphabet.find(c);
            if (d == std::string::npos || pad > 0) return false;
            v = v << 6 | static_cast<unsigned>(d);
        }
        out->push_back(static_cast<char>(v >> 16 & 255));
        if (pad < 2) out->push_back(static_cast<char>(v >> 8 & 255));
        if (pad < 1) out->push_back(static_cast<char>(v & 255));
    }
    return true;
}

bool is_entity(const std::string& h, std::size_t at) {
    static const std::regex entity("^&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);");
    return std::regex_search(h.substr(at, 16), entity);
}

// A small checker of what the page promises: every tag closed in order (void elements apart),
// every attribute value double-quoted, no raw '<' or '&' in text or attribute values (only
// entities), no script. Returns "" when well-formed, else what is wrong and where.
std::string html_problem(const std::string& h) {
    static const std::set<std::string> kVoid = {"meta", "img", "br", "hr", "link", "input", "source", "wbr"};
    std::vector<std::string> open;
    std::size_t i = 0;
    auto where = [&h](std::size_t at) { return " at " + std::to_string(at) + ": '" + h.substr(at, 40) + "'"; };
    while (i < h.size()) {
        const char c = h[i];
        if (c == '&') {
            if (!is_entity(h, i)) return "raw '&'" + where(i);
            ++i;
            continue;
        }
        if (c != '<') {
            ++i;
            continue;
        }
        if (h.compare(i, 9, "<!DOCTYPE") == 0) {
            i = h.find('>', i);
            if (i == std::string::npos) return "unterminated doctype";
            ++i;
            continue;
        }
        const bool closing = h.compare(i, 2, "</") == 0;
        std::size_t j = i + (closing ? 2 : 1);
        const std::size_t name_start = j;
        while (j < h.size() && std::isalnum(static_cast<unsigned char>(h[j]))) ++j;
        if (j == name_start) return "raw '<'" + where(i);
        std::string name = h.substr(name_start, j - name_start);
        for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (name == "script") return "a script" + where(i);
        if (closing) {
            if (j >= h.size() || h[j] != '>') return "malformed closing tag" + where(i);
            if (open.empty() || open.back() != name)
                return "</" + name + "> closes " + (open.empty() ? std::string("nothing") : "<" + open.back() + ">") + where(i);
            open.pop_back();
            i = j + 1;
            continue;
        }
        // attributes: name="value", value without '<' or a raw '&'
        while (true) {
            while (j < h.size() && h[j] == ' ') ++j;
            if (j >= h.size()) return "unterminated tag" + where(i);
            if (h[j] == '>') break;
            const std::size_t a = j;
            while (j < h.size() && (std::isalnum(static_cast<unsigned char>(h[j])) || h[j] == '-')) ++j;
            if (j == a) return "bad attribute" + where(j);
            if (j + 1 >= h.size() || h[j] != '=' || h[j + 1] != '"') return "attribute not double-quoted" + where(a);
            const std::size_t end = h.find('"', j + 2);
            if (end == std::string::npos) return "unterminated attribute" + where(a);
            for (std::size_t k = j + 2; k < end; ++k) {
                if (h[k] == '<') return "'<' in an attribute" + where(k);
                if (h[k] == '&' && !is_entity(h, k)) return "raw '&' in an attribute" + where(k);
            }
            j = end + 1;
        }
        i = j + 1;
        if (name == "style") {  // raw text up to its end tag: no '<' in it
            const std::size_t end = h.find("</style>", i);
            if (end == std::string::npos) return "unterminated style";
            if (h.find('<', i) < end) return "'<' inside style";
            i = end;
            open.push_back(name);
            continue;
        }
        if (!kVoid.count(name)) open.push_back(name);
    }
    if (!open.empty()) return "<" + open.back() + "> never closed";
    return "";
}

// Every data: URI of the page's <img> tags, decoded.
std::vector<std::string> embedded_images(const std::string& page) {
    std::vector<std::string> images;
    const std::string mark = "<img src=\"data:image/png;base64,";
    for (std::size_t at = page.find(mark); at != std::string::npos; at = page.find(mark, at + 1)) {
        const std::size_t from = at + mark.size(), to = page.find('"', from);
        std::string bytes;
        BOOST_TEST_REQUIRE(base64_decode(page.substr(from, to - from), &bytes), "an <img> whose data is not base64");
        images.push_back(bytes);
    }
    return images;
}

// One quick notebook, run once for the cases that read it.
struct QuickRun {
    wi_test::TempDir dir;
    wi_test::RunResult r;
    std::string page;
    QuickRun() {
        r = wi_test::run_wi("notebook --quick --out '" + dir.path() + "'" + data_flags());
        if (r.status == 0) page = wi_test::read_file(dir / "notebook.html");
    }
};
const QuickRun& quick() {
    static QuickRun run;
    BOOST_TEST_REQUIRE(run.r.status == 0, run.r.err);
    return run;
}

// The text of cell n in the console output (from its heading to the next one).
std::string cell_text(const std::string& out, int n) {
    const std::regex head("\n" + std::to_string(n) + "\\. [^\n]* -+\n");
    std::smatch m;
    if (!std::regex_search(out, m, head)) return "";
    const std::size_t from = m.position(0) + 1;
    const std::size_t to = out.find("\n" + std::to_string(n + 1) + ". ", from);
    return out.substr(from, to == std::string::npos ? std::string::npos : to - from);
}

// The command a cell prints (the k-th "$ ./wi ..." line), without "./wi ".
std::string cell_command(const std::string& cell, int k = 0) {
    std::size_t at = 0;
    for (int i = 0; i <= k; ++i) {
        at = cell.find("  $ ./wi ", i ? at + 1 : 0);
        if (at == std::string::npos) return "";
    }
    const std::size_t from = at + 9;
    return cell.substr(from, cell.find('\n', from) - from);
}

// A collapsed copy of text: line breaks and runs of spaces as one space (answers are wrapped).
std::string flat(const std::string& text) { return std::regex_replace(text, std::regex("\\s+"), " "); }

boost::test_tools::assertion_result chromium_here(boost::unit_test::test_unit_id id) {
    if (std::system("command -v chromium >/dev/null 2>&1") == 0) return true;
    const std::string name = boost::unit_test::framework::get(id, boost::unit_test::TUT_ANY).p_name;
    std::printf("notebook/%s: skipped: chromium is not installed\n", name.c_str());
    boost::test_tools::assertion_result r(false);
    r.message() << "chromium is not installed";
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(notebook)

BOOST_AUTO_TEST_CASE(base64_matches_rfc4648_vectors) {
    const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (const auto& [in, out] : vectors) BOOST_TEST(wi::base64_encode(in) == out, "base64(\"" << in << "\")");
    // every byte value, at every length mod 3, round trips through the test's own decoder
    std::string all;
    for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
    for (std::size_t n : {254u, 255u, 256u}) {
        std::string back;
        BOOST_TEST_REQUIRE(base64_decode(wi::base64_encode(all.substr(0, n)), &back));
        BOOST_TEST((back == all.substr(0, n)), "round trip of " << n << " bytes");
    }
    BOOST_TEST(wi::base64_encode(std::string("\xff\xfe\xfd", 3)) == "//79");
}

BOOST_AUTO_TEST_CASE(every_string_is_escaped) {
    BOOST_TEST(wi::html_escape("<&\">'") == "&lt;&amp;&quot;&gt;&#39;");
    BOOST_TEST(wi::html_escape("plain 0.5 -> x") == "plain 0.5 -&gt; x");
    // A document whose every field carries markup: the page stays well-formed, the markup inert.
    const std::string evil = "<script>alert('x')</script> & \"q\" <b>";
    wi::Document doc;
    doc.title = evil;
    doc.setting = {evil};
    wi::DocCell c;
    c.number = 1;
    c.title = c.question = evil;
    c.commands = {evil};
    c.answer = {evil};
    c.diagnosis = {evil};
    c.tables.push_back({evil, {evil, "b"}, {{evil, "1 < 2 & 3"}}});
    doc.cells.push_back(c);
    const std::string page = wi::render_html(doc);
    BOOST_TEST(html_problem(page) == "");
    BOOST_TEST(!contains(page, "<script"));
    BOOST_TEST(!contains(page, "<b>"));
    BOOST_TEST(contains(page, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
}

BOOST_AUTO_TEST_CASE(the_checker_rejects_what_it_must) {
    BOOST_TEST(html_problem("<p>fine &amp; &#39; &lt;</p><img src=\"a\">") == "");
    BOOST_TEST(html_problem("<p>a < b</p>") != "");
    BOOST_TEST(html_problem("<p>a & b</p>") != "");
    BOOST_TEST(html_problem("<p class=x>a</p>") != "");
    BOOST_TEST(html_problem("<p title=\"a&b\">a</p>") != "");
    BOOST_TEST(html_problem("<div><p></div></p>") != "");
    BOOST_TEST(html_problem("<div>") != "");
    BOOST_TEST(html_problem("<script>x</script>") != "");
}

BOOST_AUTO_TEST_CASE(page_is_well_formed_self_contained_and_its_figures_decode) {
    const QuickRun& q = quick();
    BOOST_TEST_REQUIRE(!q.page.empty());
    BOOST_TEST(html_problem(q.page) == "");
    BOOST_TEST(contains(q.page, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
    BOOST_TEST(contains(q.page, "max-width:50rem"));
    BOOST_TEST(contains(q.page, "img{max-width:100%;height:auto"));
    BOOST_TEST(!contains(q.page, "http:"));  // nothing fetched from anywhere
    BOOST_TEST(!contains(q.page, "https:"));
    BOOST_TEST(!contains(q.page, "src=\"/"));
    for (int cell = 1; cell <= 8; ++cell) BOOST_TEST(contains(q.page, "<section id=\"cell-" + std::to_string(cell) + "\">"));
    const std::vector<std::string> images = embedded_images(q.page);
    BOOST_TEST(images.size() == 6u);
    for (const std::string& png : images) {
        wi_test::Png img;
        BOOST_TEST_REQUIRE(wi_test::decode_png_bytes(png, &img), "an embedded figure stb_image cannot decode");
        const int w = img.width, h = img.height;
        const unsigned char* px = img.rgb.data();
        BOOST_TEST((w >= 400 && h >= 300));
        std::set<unsigned> colours;
        for (long i = 0; i < static_cast<long>(w) * h; i += 7) colours.insert(px[3 * i] << 16 | px[3 * i + 1] << 8 | px[3 * i + 2]);
        BOOST_TEST(colours.size() > 20u, "a figure of " << colours.size() << " colours");
    }
    // the same bytes as the figure files written beside the page
    for (const char* f : {"notebook_zeros.png", "notebook_sigmoid_inits.png"})
        BOOST_TEST(contains(q.page, wi::base64_encode(wi_test::read_file(q.dir / f))), f);
    BOOST_TEST(!wi::path_exists(q.dir / ".notebook-figures"));
}

BOOST_AUTO_TEST_CASE(console_lists_each_cell_and_its_command) {
    const std::string& out = quick().r.out;
    for (int n = 1; n <= 8; ++n) {
        const std::string cell = cell_text(out, n);
        BOOST_TEST_REQUIRE(!cell.empty(), "cell " << n << " missing");
        BOOST_TEST(contains(cell, "question: "), "cell " << n);
        BOOST_TEST(!cell_command(cell).empty(), "cell " << n << " names no command");
        BOOST_TEST(contains(cell, "answer: "), "cell " << n);
    }
    BOOST_TEST(contains(cell_text(out, 3), "$ ./wi --init constant --grads --epochs 0"));
    BOOST_TEST(contains(out, "wrote " + quick().dir.path() + "/notebook.html"));
}

BOOST_AUTO_TEST_CASE(answers_follow_the_numbers) {
    const std::string& out = quick().r.out;
    // cell 7: the init named best has the highest test accuracy of the table printed with it
    const std::string c7 = cell_text(out, 7);
    std::map<std::string, double> acc;
    const std::regex row("\n  (xavier_normal|kaiming_normal|randn|default) +\\S+ +\\S+ +([0-9.]+) +\\S+");
    for (auto it = std::sregex_iterator(c7.begin(), c7.end(), row); it != std::sregex_iterator(); ++it)
        acc[(*it)[1]] = std::stod((*it)[2]);
    BOOST_TEST_REQUIRE(acc.size() == 4u, c7);
    std::string best;
    for (const auto& [name, a] : acc)
        if (best.empty() || a > acc[best]) best = name;
    std::smatch m;
    const std::string f7 = flat(c7);
    BOOST_TEST_REQUIRE(std::regex_search(f7, m, std::regex("Best with sigmoid: (\\S+) \\(test accuracy ([0-9.]+) vs ([0-9.]+) for (\\S+),")), f7);
    BOOST_TEST(m[1].str() == best);
    BOOST_TEST(std::stod(m[2]) == acc[best]);
    BOOST_TEST(std::stod(m[3]) == acc[m[4].str()]);
    BOOST_TEST(std::stod(m[3]) <= std::stod(m[2]));
    BOOST_TEST((contains(f7, "agrees with the notebook") == (best == "xavier_normal")));

    // cell 2: the loss sentence quotes the table; the prior sentence follows the accuracy
    const std::string c2 = cell_text(out, 2), f2 = flat(c2);
    BOOST_TEST_REQUIRE(std::regex_search(c2, m, std::regex("\n  1 +([0-9.]+) +[0-9.]+ +[0-9.]+ +([0-9.]+)\n")), c2);
    const std::string loss = m[1], test_acc = m[2];
    BOOST_TEST(contains(f2, "The training loss goes " + loss + " -> " + loss + " over 1 epoch"));
    const std::string f1 = flat(cell_text(out, 1));
    BOOST_TEST_REQUIRE(std::regex_search(f1, m, std::regex("the most frequent test digit, ([0-9]), is ([0-9.]+) of")), f1);
    const bool at_prior = std::abs(std::stod(test_acc) - std::stod(m[2])) <= 0.0025;
    BOOST_TEST(at_prior);  // zero weights learn the prior: the case the sentence is for
    BOOST_TEST(contains(f2, "what answering " + m[1].str() + " for every image scores") == at_prior);

    // cell 4: the divergence sentence and the catalog's table agree on the step
    const std::string f4 = flat(cell_text(out, 4));
    BOOST_TEST_REQUIRE(std::regex_search(f4, m, std::regex("It diverges at step ([0-9]+) \\(epoch 1 of 1\\) in layer (fc[0-9])")), f4);
    const std::string step = m[1];
    const std::string c8 = cell_text(out, 8);
    BOOST_TEST_REQUIRE(std::regex_search(c8, m, std::regex("\n  unusual +\\S+ +\\S+ +\\S+ +step ([0-9]+)\n")));
    BOOST_TEST(m[1].str() == step);
    BOOST_TEST(!contains(f4, "does not diverge"));
}

BOOST_AUTO_TEST_CASE(printed_commands_give_the_same_numbers_alone) {
    const std::string& out = quick().r.out;
    // cell 2: the per-epoch line of `./wi --init zeros --epochs 1` is the table's first row
    const std::string c2 = cell_text(out, 2);
    std::smatch m;
    BOOST_TEST_REQUIRE(std::regex_search(c2, m, std::regex("\n  1 +([0-9.]+) +([0-9.]+) +([0-9.]+) +([0-9.]+)\n")));
    const std::string cmd2 = cell_command(c2);
    BOOST_TEST(contains(cmd2, "--init zeros --epochs 1"));
    const wi_test::RunResult z = wi_test::run_wi(cmd2);
    BOOST_TEST_REQUIRE(z.status == 0, z.err);
    BOOST_TEST(contains(z.out, "Epoch 1 finished with loss: " + m[1].str() + " and accuracy " + m[2].str()), z.out);
    BOOST_TEST(contains(z.out, "test set: loss " + m[3].str() + " and accuracy " + m[4].str()), z.out);

    // cell 4: the divergence step of `./wi --init unusual --epochs 1`
    const std::string c4 = cell_text(out, 4);
    const std::string f4 = flat(c4);
    BOOST_TEST_REQUIRE(std::regex_search(f4, m, std::regex("diverges at step ([0-9]+)")));
    const wi_test::RunResult u = wi_test::run_wi(cell_command(c4));
    BOOST_TEST_REQUIRE(u.status == 0, u.err);
    BOOST_TEST(contains(u.out, "diverged at step " + m[1].str() + " "), u.out);

    // cell 7: the --compare table's test accuracies are the cell's
    const std::string c7 = cell_text(out, 7);
    const wi_test::RunResult s = wi_test::run_wi(cell_command(c7) + " --out '" + quick().dir.path() + "/c7'");
    BOOST_TEST_REQUIRE(s.status == 0, s.err);
    const std::regex row("\n  (xavier_normal|kaiming_normal|randn|default) +\\S+ +\\S+ +([0-9.]+) ");
    int rows = 0;
    for (auto it = std::sregex_iterator(c7.begin(), c7.end(), row); it != std::sregex_iterator(); ++it, ++rows) {
        // compare's table: init, train loss, train acc, test acc, ...
        const std::regex theirs("\n" + (*it)[1].str() + " +\\S+ +\\S+ +" + std::regex_replace((*it)[2].str(), std::regex("\\."), "\\.") + " ");
        BOOST_TEST(std::regex_search(s.out, theirs), (*it)[1] << " " << (*it)[2] << "\n" << s.out);
    }
    BOOST_TEST(rows == 4);
}

BOOST_AUTO_TEST_CASE(quiet_prints_only_the_answers) {
    wi_test::TempDir dir;
    const wi_test::RunResult r = wi_test::run_wi("notebook --quick -q --out '" + dir.path() + "'" + data_flags());
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(!contains(r.out, "$ ./wi"));
    BOOST_TEST(!contains(r.out, "data: bundled"));  // no header lines
    BOOST_TEST(!contains(r.out, "runs side by side"));
    BOOST_TEST(!contains(r.out, "question:"));
    BOOST_TEST(r.out.rfind("1. The model and the data: ", 0) == 0, r.out.substr(0, 80));
    for (int n = 2; n <= 8; ++n) BOOST_TEST(contains(r.out, "\n" + std::to_string(n) + ". "), "answer " << n);
    BOOST_TEST(contains(flat(r.out), "Best with sigmoid: "));
    BOOST_TEST(wi::is_file(dir / "notebook.html"));
}

BOOST_AUTO_TEST_CASE(usage_errors) {
    for (const char* flag : {"--init xavier", "--epochs 2", "--arch 784,10", "--act relu", "--compare all", "--plots",
                             "--lr=0.1", "--device cpu"}) {
        const wi_test::RunResult r = wi_test::run_wi(std::string("notebook ") + flag + " --quick" + data_flags());
        const std::string name = std::string(flag).substr(0, std::string(flag).find_first_of(" ="));
        BOOST_TEST(r.status == 2, flag);
        BOOST_TEST(r.out.empty(), flag);
        BOOST_TEST(r.err == "wi: " + name + ": not for `wi notebook` (it re-runs the notebook's own cells; --quick "
                                            "trains 1 epoch)\n", flag << ": " << r.err);
    }
    const wi_test::RunResult late = wi_test::run_wi("--quick notebook");
    BOOST_TEST(late.status == 2);
    const wi_test::RunResult after = wi_test::run_wi("--seed 2 notebook");
    BOOST_TEST((after.status == 2 && after.err == "wi: 'notebook' must come first: wi notebook [flags]\n"), after.err);
    wi_test::TempDir dir;
    wi::make_dirs(dir / "notebook.html");  // a directory where the page goes: refused before any work
    const wi_test::RunResult taken = wi_test::run_wi("notebook --quick --out '" + dir.path() + "'" + data_flags());
    BOOST_TEST(taken.status == 2);
    BOOST_TEST(taken.out.empty());
    BOOST_TEST(contains(taken.err, "notebook.html"), taken.err);
    BOOST_TEST(contains(wi_test::run_wi("--help").out, "wi notebook [--quick]"));
}

BOOST_AUTO_TEST_CASE(ctrl_c_writes_no_page) {
    wi_test::TempDir dir;
    const wi_test::Stopped s = wi_test::run_and_signal(
        {"notebook", "--out", dir / "out", "--no-fetch", "--data", wi_test::sample_dir()}, "runs side by side", SIGINT,
        dir, 100);
    BOOST_TEST(s.status == 130, s.out);
    BOOST_TEST(!wi::path_exists(dir / "out/notebook.html"));
    BOOST_TEST(!wi::path_exists(dir / "out/.notebook-figures"));
}

BOOST_AUTO_TEST_CASE(chromium_renders_the_page, *boost::unit_test::precondition(chromium_here)) {
    const QuickRun& q = quick();
    wi_test::TempDir dir;
    const std::string shot = dir / "page.png";
    const std::string cmd = "cd '" + dir.path() + "' && HOME='" + dir.path() + "' timeout 120 chromium --headless --no-sandbox "
                            "--disable-gpu --screenshot='" + shot + "' --window-size=1000,3000 'file://" +
                            (q.dir / "notebook.html") + "' >/dev/null 2>&1";
    BOOST_TEST_REQUIRE(std::system(cmd.c_str()) == 0, cmd);
    wi_test::Png img;
    BOOST_TEST_REQUIRE(wi_test::decode_png_bytes(wi_test::read_file(shot), &img), "no screenshot");
    const int w = img.width, h = img.height;
    const unsigned char* px = img.rgb.data();
    std::set<unsigned> colours;
    long dark = 0;
    for (long i = 0; i < static_cast<long>(w) * h; ++i) {
        const unsigned char* p = px + 3 * i;
        colours.insert(p[0] << 16 | p[1] << 8 | p[2]);
        dark += p[0] + p[1] + p[2] < 600;
    }
    BOOST_TEST(colours.size() > 50u, colours.size() << " colours");
    BOOST_TEST(dark > static_cast<long>(w) * h / 100, dark << " non-white pixels");  // text and figures, not a blank page
}

BOOST_AUTO_TEST_SUITE_END()
