// test_floors.cpp - the source tree's floors: each folder of src/ has a floor, and a file
// includes only files of its own folder or of folders on lower floors; kernels/ includes
// nothing from src/. The README's file map gives each folder the same floor.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "test_util.h"

namespace fs = std::filesystem;
using wi_test::read_file;
using wi_test::repo_root;

namespace {

// The floors, bottom up. A new folder of src/ must be given one here and in the README.
const std::map<std::string, int>& floor_of() {
    static const std::map<std::string, int> f = {
        {"core", 0},  {"nn", 1},    {"data", 1},  {"init", 2},       {"cpu", 2}, {"theory", 2}, {"report", 3},
        {"cli", 3},   {"backend", 3}, {"train", 4}, {"sweep", 5}, {"experiment", 6}, {"app", 7},
    };
    return f;
}

struct Include {
    std::string file;    // relative to the repository root
    std::string target;  // resolved, relative to the repository root
};

// Every quoted #include of every source file under dir, resolved against the including file's
// folder (the build passes no -I for src/). Unresolvable includes are reported as failures.
std::vector<Include> includes_under(const std::string& dir) {
    const fs::path root = repo_root();
    static const std::regex inc(R"re(^\s*#\s*include\s*"([^"]+)")re");
    std::vector<Include> out;
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
        const std::string ext = e.path().extension().string();
        if (!e.is_regular_file() || (ext != ".h" && ext != ".cpp" && ext != ".inc" && ext != ".cu" && ext != ".cuh"))
            continue;
        const std::string text = read_file(e.path().string());
        const std::string rel = fs::relative(e.path(), root).string();
        std::size_t pos = 0;
        while (pos < text.size()) {
            const std::size_t nl = text.find('\n', pos);
            const std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
            pos = nl == std::string::npos ? text.size() : nl + 1;
            std::smatch mm;
            if (!std::regex_search(line, mm, inc)) continue;
            const fs::path t = (e.path().parent_path() / mm[1].str()).lexically_normal();
            BOOST_CHECK_MESSAGE(fs::exists(t), rel << ": #include \"" << mm[1] << "\" names no file beside it");
            if (fs::exists(t)) out.push_back({rel, fs::relative(t, root).string()});
        }
    }
    return out;
}

// "src/train/x.cpp" -> "train"; "" for a file outside src/.
std::string folder_of(const std::string& path) {
    if (path.rfind("src/", 0) != 0) return "";
    const std::size_t slash = path.find('/', 4);
    return slash == std::string::npos ? "" : path.substr(4, slash - 4);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(floors)

BOOST_AUTO_TEST_CASE(every_source_file_lives_in_a_folder_with_a_floor) {
    for (const auto& e : fs::directory_iterator(fs::path(repo_root()) / "src")) {
        const std::string name = e.path().filename().string();
        if (e.is_directory())
            BOOST_CHECK_MESSAGE(floor_of().count(name), "src/" << name << "/ has no floor (tests/test_floors.cpp, README)");
        else
            BOOST_ERROR("src/" << name << " lies loose at src/'s top level; put it in the folder of its floor");
    }
}

BOOST_AUTO_TEST_CASE(includes_go_down_the_floors_only) {
    int checked = 0;
    for (const Include& i : includes_under("src")) {
        const std::string from = folder_of(i.file), to = folder_of(i.target);
        if (i.target.rfind("kernels/", 0) == 0) {
            BOOST_CHECK_MESSAGE(from == "backend",
                                i.file << " includes " << i.target << ": only the backend reaches kernels/");
            continue;
        }
        BOOST_REQUIRE_MESSAGE(!to.empty(), i.file << " includes " << i.target << ", outside src/");
        ++checked;
        if (from == to) continue;
        BOOST_CHECK_MESSAGE(floor_of().at(to) < floor_of().at(from),
                            i.file << " (floor " << floor_of().at(from) << ") includes " << i.target << " (floor "
                                   << floor_of().at(to) << "): includes go down the floors only");
    }
    BOOST_TEST(checked > 100);
}

BOOST_AUTO_TEST_CASE(kernels_include_nothing_from_src) {
    for (const Include& i : includes_under("kernels"))
        BOOST_CHECK_MESSAGE(i.target.rfind("kernels/", 0) == 0, i.file << " includes " << i.target);
}

BOOST_AUTO_TEST_CASE(the_readme_file_map_gives_the_same_floors) {
    const std::string readme = read_file(repo_root() + "/README.md");
    // Rows "| N name | `src/FOLDER/...` |" start a floor; each names its folder once.
    static const std::regex row(R"(\n\| (\d) [^|]*\| `src/([a-z]+)/)");
    std::set<std::string> seen;
    for (std::sregex_iterator m(readme.begin(), readme.end(), row), end; m != end; ++m) {
        const std::string folder = (*m)[2];
        const int floor = std::stoi((*m)[1]);
        BOOST_REQUIRE_MESSAGE(floor_of().count(folder), "README: src/" << folder << "/ is not a folder with a floor");
        BOOST_CHECK_MESSAGE(floor_of().at(folder) == floor,
                            "README puts src/" << folder << "/ on floor " << floor << ", the tree on " << floor_of().at(folder));
        seen.insert(folder);
    }
    for (const auto& [folder, floor] : floor_of())
        BOOST_CHECK_MESSAGE(seen.count(folder), "README's file map has no floor row for src/" << folder << "/");
}

BOOST_AUTO_TEST_SUITE_END()
