#!/usr/bin/env bash
# tests/mutants.sh - mutation testing: small deliberate bugs the test suite must catch.
#
# usage, from anywhere:  bash tests/mutants.sh [NAME...]     (default: every mutant below)
#
# Each mutant is one or more exact text replacements in one source file, and the test cases
# that must then fail (a Boost.Test --run_test filter). In a scratch copy of the tree (the
# working tree is never touched) each mutant is applied, built, tested and reverted; its
# verdict is "killed" (the tests failed) or "SURVIVED" (they passed: the suite misses that
# bug). A mutant whose old text is not found exactly once, or that does not build, is an
# error in the table. Ends with "mutants: K killed, S survived of N" and exits non-zero
# unless every mutant was killed.
#
# The table: one line per replacement, fields separated by " @@ ":
#   name @@ file @@ old text @@ new text @@ tests
# "\n" in old or new text stands for a line break, "\\" for a backslash. Lines with the same
# name are one mutant (their replacements applied together; the tests of its first line run).
# Blank lines and lines starting with # are ignored. The tests may start with make variables
# (MPI=1 mpi/...): the mutant is then built and tested in that build (MPI=1: build-mpi/).
#
# Environment: MUTANT_JOBS (make -j, default 2), MUTANT_TIMEOUT (seconds per test run, 300).
set -uo pipefail

read -r -d '' TABLE <<'EOF'
# relu' is 0 at z = 0 (PyTorch), and every gradient element matches finite differences
relu_kink @@ src/nn/activation.cpp @@ dz[i] = z[i] > 0.0f ? g : 0.0f; @@ dz[i] = z[i] >= 0.0f ? g : 0.0f; @@ guards_math/relu_derivative_at_zero_is_zero,relu_unit_at_the_kink_stays_put_on_every_path,mlp_gradients_per_element
sigmoid_grad_0.1pct @@ src/nn/activation.cpp @@ da[i] * a[i] * (1.0f - a[i]) @@ da[i] * a[i] * (1.001f - a[i]) @@ guards_math/mlp_gradients_per_element
bias_grad_1pct @@ src/nn/linear.cpp @@ db[o] = dbo; @@ db[o] = dbo * 1.01f; @@ guards_math/mlp_gradients_per_element

# the shuffle: uniform, and what the trainer uses
sattolo @@ src/train/shuffle.cpp @@ order[rng.below(i)] @@ order[rng.below(i - 1)] @@ guards_math/shuffle_is_uniform
shuffle_skips_a_swap @@ src/train/shuffle.cpp @@ i > 1; --i @@ i > 2; --i @@ guards_math/shuffle_is_uniform
shuffle_unused @@ src/train/batch_loader.cpp @@ if (shuffle_) shuffle_order(order_, rng_); @@ if (false) shuffle_order(order_, rng_); @@ guards_math/trainer_visits_the_shuffled_order
shuffle_first_epoch_only @@ src/train/batch_loader.cpp @@ if (shuffle_) shuffle_order(order_, rng_); @@ if (shuffle_ && epoch_ == 1) shuffle_order(order_, rng_); @@ guards_math/trainer_visits_the_shuffled_order
shuffle_seed_ignored @@ src/train/batch_loader.cpp @@ rng_(shuffle_rng(seed)) @@ rng_(shuffle_rng(1)) @@ guards_math/trainer_visits_the_shuffled_order

# every diagnosis threshold, both sides
vanishing_on_the_threshold @@ src/train/diagnosis.cpp @@ (s.grad_ratio < kVanishingRatio || @@ (s.grad_ratio <= kVanishingRatio || @@ guards_run/diagnosis_thresholds_from_both_sides
vanishing_threshold_moved @@ src/train/diagnosis.h @@ kVanishingRatio = 1e-3; @@ kVanishingRatio = 1.02e-3; @@ guards_run/diagnosis_thresholds_from_both_sides
exploding_on_the_threshold @@ src/train/diagnosis.cpp @@ s.grad_ratio > kExplodingRatio)) @@ s.grad_ratio >= kExplodingRatio)) @@ guards_run/diagnosis_thresholds_from_both_sides
exploding_threshold_moved @@ src/train/diagnosis.h @@ kExplodingRatio = 1e3; @@ kExplodingRatio = 0.98e3; @@ guards_run/diagnosis_thresholds_from_both_sides
vanishing_on_the_last_layer @@ src/train/diagnosis.cpp @@ if (s.layer < last && @@ if (s.layer <= last && @@ guards_run/diagnosis_thresholds_from_both_sides
saturation_strict @@ src/train/diagnosis.cpp @@ s.saturated >= kSaturatedAlarm @@ s.saturated > kSaturatedAlarm @@ guards_run/diagnosis_thresholds_from_both_sides
saturation_threshold_moved @@ src/train/diagnosis.h @@ kSaturatedAlarm = 0.5; @@ kSaturatedAlarm = 0.52; @@ guards_run/diagnosis_thresholds_from_both_sides
dead_strict @@ src/train/diagnosis.cpp @@ s.dead >= kDeadAlarm @@ s.dead > kDeadAlarm @@ guards_run/diagnosis_thresholds_from_both_sides
dead_threshold_moved @@ src/train/diagnosis.h @@ kDeadAlarm = 0.25; @@ kDeadAlarm = 0.24; @@ guards_run/diagnosis_thresholds_from_both_sides
symmetry_either @@ src/train/diagnosis.cpp @@ s.distinct_units < s.units && s.distinct_grads < s.units @@ s.distinct_units < s.units || s.distinct_grads < s.units @@ guards_run/diagnosis_thresholds_from_both_sides
no_learning_steps @@ src/train/diagnosis.cpp @@ report.epochs[0].steps >= 40 @@ report.epochs[0].steps > 40 @@ guards_run/diagnosis_thresholds_from_both_sides
no_learning_threshold_moved @@ src/train/diagnosis.h @@ kNoLearningChange = 0.01; @@ kNoLearningChange = 0.0098; @@ guards_run/diagnosis_thresholds_from_both_sides
divergence_nan_inf_swapped @@ src/train/diagnosis.cpp @@ std::isnan(report.diverged_loss) ? "NaN" : "Inf" @@ std::isnan(report.diverged_loss) ? "Inf" : "NaN" @@ guards_run/diagnosis_thresholds_from_both_sides

# atomic writes
write_in_place @@ src/core/fsutil.cpp @@ #include <unistd.h> @@ #include <fcntl.h>\n#include <unistd.h> @@ guards_run/atomic_writes
write_in_place @@ src/core/fsutil.cpp @@     const int fd = ::mkstemp(name.data());\n    if (fd < 0) throw Error(path + ": cannot create a temporary file @@     const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);\n    name.assign(path.c_str(), path.c_str() + path.size() + 1);\n    if (fd < 0) throw Error(path + ": cannot create a temporary file
temp_file_left_behind @@ src/core/fsutil.cpp @@             ::close(fd);\n            ::unlink(name.data());\n            throw Error(path + ": write failed @@             ::close(fd);\n            throw Error(path + ": write failed @@ guards_run/atomic_writes

# the trainer's figures
short_batch_accuracy @@ src/train/observers.cpp @@ s.acc_sum += static_cast<double>(r.correct) / r.rows; @@ s.acc_sum += static_cast<double>(r.correct) / s.opt.batch; @@ guards_run/epoch_accuracy_with_a_short_last_batch
short_batch_step_accuracy @@ src/train/observers.cpp @@ s.report.step_accuracy.push_back(static_cast<float>(r.correct) / r.rows); @@ s.report.step_accuracy.push_back(static_cast<float>(r.correct) / s.opt.batch); @@ guards_run/epoch_accuracy_with_a_short_last_batch
divergence_layer_name @@ src/train/observers.cpp @@ where = "fc" + std::to_string(l + 1) + " outputs"; @@ where = "fc" + std::to_string(l) + " outputs"; @@ guards_run/divergence_names_the_layer
test_curve_twice_at_epoch_end @@ src/train/observers.cpp @@ s.step % s.opt.eval_every == 0 && r.batch + 1 < s.batches @@ s.step % s.opt.eval_every == 0 && r.batch < s.batches @@ guards_run/test_curve_at_exact_steps
test_curve_step_off_by_one @@ src/train/observers.cpp @@ s.step % s.opt.eval_every == 0 && r.batch + 1 < s.batches @@ (s.step + 1) % s.opt.eval_every == 0 && r.batch + 1 < s.batches @@ guards_run/test_curve_at_exact_steps
bias_step_reference @@ src/nn/mlp.cpp @@ sgd_step(L.b.data(), L.db.data(), L.b.size(), lr); @@ sgd_step(L.b.data(), L.db.data(), L.b.size(), 2 * lr); @@ guards_run/sgd_step_on_the_biases
bias_step_simd @@ src/cpu/simd_kernels.inc @@ combine(W, out, dy, 1, out, x, B, in, -lr, Into::Add);\n    for (int o = 0; o < out; ++o) {\n        float s = 0;\n        for (int n = 0; n < B; ++n) s += dy[n * out + o];\n        b[o] -= lr * s; @@ combine(W, out, dy, 1, out, x, B, in, -lr, Into::Add);\n    for (int o = 0; o < out; ++o) {\n        float s = 0;\n        for (int n = 0; n < B; ++n) s += dy[n * out + o];\n        b[o] -= 0.5f * lr * s; @@ guards_run/sgd_step_on_the_biases

# the orthogonal sampler's Haar law
orthogonal_without_sign_fix @@ src/init/init_samplers.cpp @@ const double norm = std::sqrt(std::inner_product(col[j].begin(), col[j].end(), col[j].begin(), 0.0)); @@ const double norm = -std::copysign(std::sqrt(std::inner_product(col[j].begin(), col[j].end(), col[j].begin(), 0.0)), col[j][j]); @@ guards_math/orthogonal_is_haar
orthogonal_from_uniform @@ src/init/init_samplers.cpp @@ (transpose ? col[r][c] : col[c][r]) = rng.normal(); @@ (transpose ? col[r][c] : col[c][r]) = rng.uniform(-1.0, 1.0); @@ guards_math/orthogonal_is_haar

# the suite's closing line
closing_line_counts_aborted_twice @@ tests/test_main.cpp @@ r.p_test_cases_failed + r.p_test_cases_timed_out @@ r.p_test_cases_failed + r.p_test_cases_aborted @@ guards_run/closing_line_counts_each_case_once
closing_line_counts_filtered_out_as_skipped @@ tests/test_main.cpp @@ skipped_cases()); @@ static_cast<unsigned long>(r.p_test_cases_skipped)); @@ guards_run/closing_line_counts_each_case_once

# the loss of tied and huge logits, non-finite parameters, unmeasured numbers, float32 flags
loss_adds_max_back_ref @@ src/nn/cross_entropy.cpp @@ total += static_cast<double>(std::log(sum) - (z[targets[n]] - m)); @@ total += static_cast<double>(m + std::log(sum) - z[targets[n]]); @@ numerics/loss_of_tied_and_huge_logits_reference
loss_adds_max_back_simd @@ src/cpu/mlp_fast.cpp @@ total += static_cast<double>(std::log(sum) - (z[y[n]] - m)); @@ total += static_cast<double>(m + std::log(sum) - z[y[n]]); @@ numerics/loss_of_tied_and_huge_logits_every_cpu_path
no_scan_before_test @@ src/train/observers.cpp @@ if (parameters_diverged(s, "before a test evaluation")) return; @@ if (false) return; @@ numerics/trainer_scans_the_parameters
loads_non_finite @@ src/train/weights_io.cpp @@ if (const long i = first_non_finite(t.data(), t.size()); i >= 0) @@ if (const long i = -1; i >= 0) @@ numerics/load_weights_refuses_non_finite_values
unmeasured_test_as_zero_csv @@ src/train/compare.cpp @@ e.tested ? std::to_string(e.test.loss).c_str() : "" @@ true ? std::to_string(e.test.loss).c_str() : "" @@ numerics/unmeasured_numbers_are_absent
unmeasured_test_on_figure @@ src/train/plots.cpp @@ end.has_test = st.tested; @@ end.has_test = true; @@ numerics/unmeasured_numbers_are_absent
lr_underflow_accepted @@ src/cli/cli.cpp @@ if ((v != 0 && std::fabs(v) < FLT_MIN) || (out_of_range && std::fabs(v) < 1)) @@ if (v != 0 && std::fabs(v) < 0) @@ numerics/float_flags_are_checked_as_float32
torch_print_ellipsis @@ src/train/torch_print.cpp @@ items.push_back(" ..."); @@ items.push_back("..."); @@ numerics_print/tensors_print_as_pytorch_prints_them
shortest_not_round_trip @@ src/core/strf.cpp @@ if (digits >= 17 || std::strtod(s.c_str(), nullptr) == v) return s; @@ if (digits >= 17) return s; @@ numerics_print/values_are_echoed_in_their_shortest_form

# hostile input files
permission_denied_unnamed @@ src/core/fsutil.cpp @@ err == EACCES || err == EPERM @@ err == EPERM @@ hostile_files/permission_denied_says_so
gzip_trailing_bytes_accepted @@ src/data/idx.cpp @@ if (done < n && stream_end_) expect_end_after_gzip(); @@ if (false) expect_end_after_gzip(); @@ hostile_files/gzip_holds_exactly_one_member
pair_counts_unchecked_first @@ src/data/idx.cpp @@ if (n_images != n_labels) @@ if (false) @@ hostile_files/gzip_bomb_is_not_inflated
missing_files_unnamed @@ src/data/mnist.cpp @@ if (!missing.empty()) { @@ if (false) { @@ hostile_files/every_missing_file_is_named
npy_key_twice @@ src/data/npy_header.cpp @@ if (*slot != nullptr) throw @@ if (false) throw @@ hostile_files/npy_headers_are_read_as_numpy_reads_them
npy_non_ascii @@ src/data/npy_header.cpp @@ if (c >= 0x80) @@ if (c >= 0xff) @@ hostile_files/npy_headers_are_read_as_numpy_reads_them
npy_fortran_order @@ src/data/npy.cpp @@ col_major[c * rows + r] @@ col_major[r * cols + c] @@ hostile_files/npy_headers_are_read_as_numpy_reads_them

# damaged fonts and figure sizes
font_directory_unchecked @@ src/report/font_check.cpp @@ need(fits(dir, 16 * std::size_t{tables}), @@ need(true, @@ figure_faults/damaged_fonts_are_refused_by_name
font_glyph_id_unchecked @@ src/report/text.cpp @@ return g > 0 && g < tt.glyphs ? g : 0; @@ return g; @@ figure_faults/cmap_glyph_ids_beyond_the_font_become_glyph_0
font_warned_every_time @@ src/report/text.cpp @@ if (warned.insert(path).second) @@ warned.insert(path); if (true) @@ figure_faults/a_damaged_font_is_reported_once_per_run
weights_panels_uncapped @@ src/report/figures_train.cpp @@ kFirstPanels = 9, @@ kFirstPanels = 900, @@ figure_faults/weights_figure_shows_first_and_last_layers
canvas_size_unchecked @@ src/report/canvas.cpp @@ width * height * channels <= kMaxCanvasBytes; @@ true; @@ figure_faults/canvas_sizes_beyond_the_encoder_are_refused

# outputs: none lost, all checked before training; signals; standard output
stale_deeper_weights_kept @@ src/train/weights_io.cpp @@ if (layer_of(name) >= static_cast<long>(m.layers.size())) @@ if (layer_of(name) > static_cast<long>(m.layers.size())) @@ outputs/a_weights_folder_holds_exactly_the_model
same_folder_by_spelling @@ src/app/preflight.cpp @@ same_directory(cfg.save_init, cfg.save_weights) @@ cfg.save_init == cfg.save_weights @@ outputs/one_folder_for_initial_and_final_weights_is_refused
sighup_unhandled @@ src/core/interrupt.cpp @@ old.sa_handler != SIG_IGN) sigaction(SIGHUP, &sa, nullptr); @@ old.sa_handler != SIG_IGN) {} @@ outputs/sighup_stops_like_sigterm
stdout_error_exits_0 @@ src/core/outputs.cpp @@     return status == 0 ? kExitOutput : status; @@     return status; @@ outputs/standard_output_write_errors
failed_output_uncounted @@ src/core/outputs.cpp @@     } catch (const std::exception& e) {\n        ++failures_; @@     } catch (const std::exception& e) { @@ outputs/a_failing_output_never_stops_the_others
epoch_flush_unchecked @@ src/train/observers.cpp @@ if (s.opt.print && !flush_output(s.out)) s.stop = true; @@ if (s.opt.print) flush_output(s.out); @@ outputs/standard_output_write_errors
long_labels_unshortened @@ src/app/preflight.cpp @@ kMaxLabel = 80; @@ kMaxLabel = 800; @@ outputs/long_init_specs_get_short_distinct_file_names
directory_target_unchecked @@ src/core/fsutil.cpp @@     if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) @@     if (false) @@ outputs/targets_are_checked_before_training
compare_starts_runs_after_a_signal @@ src/train/compare.cpp @@ if (const int sig = interrupt_signal()) {  // asked to stop @@ if (const int sig = 0 * interrupt_signal()) {  // asked to stop @@ interrupts/compare_starts_no_run_after_a_signal
compare_starts_runs_after_a_signal @@ src/train/compare.cpp @@ if (const int sig = interrupt_signal()) {  // LSUV cut short @@ if (const int sig = 0 * interrupt_signal()) {  // LSUV cut short @@ interrupts/compare_starts_no_run_after_a_signal
compare_starts_runs_after_a_signal @@ src/backend/pool_local.h @@ if (interrupt_signal() != 0 || failed.load()) break; @@ if (failed.load()) break; @@ interrupts/compare_starts_no_run_after_a_signal
# numbers of the statistics, explanations and the compare outputs; specs and limits
grad_ratio_nan_as_zero @@ src/train/layer_stats.cpp @@ ? s.grad_norm / last_norm : NAN; @@ ? s.grad_norm / last_norm : 0.0; @@ hunt_cli/grad_ratio_to_a_nan_norm_is_not_zero
unmeasured_saturation_as_zero @@ src/train/layer_stats.cpp @@ s.saturated = s.dead = NAN; @@ s.saturated = s.dead = 0; @@ hunt_cli/unmeasured_layer_statistics_are_marked
compare_label_cut @@ src/train/compare.cpp @@ csv += "\"" + r.label + "\"" + line; @@ csv += "\"" + r.label.substr(0, 500) + "\"" + line; @@ hunt_cli/long_labels_stay_whole_in_compare_outputs
truncated_mean_unmirrored @@ src/init/init.cpp @@ const bool mirror = (a - mean) + (b - mean) > 0; @@ const bool mirror = false; @@ hunt_cli/truncated_law_in_either_tail
nan_loss_accuracy_printed @@ src/app/main.cpp @@ if (std::isfinite(r.loss)) @@ if (true) @@ hunt_cli/evaluation_of_overflowing_weights_is_not_an_accuracy
spec_key_twice_accepted @@ src/init/init_spec.cpp @@ if (!given.insert(key).second) @@ if (given.insert(key).second && false) @@ hunt_cli/init_spec_key_given_twice_is_refused
experiment_width_unlimited @@ src/experiment/run.cpp @@ if (parameters > kMaxParameters) @@ if (parameters > 2 * kMaxParameters) @@ hunt_cli/experiment_width_obeys_the_parameter_limit
# input and output paths, fonts, signals under nohup
free_space_by_bytes_only @@ src/core/fsutil.cpp @@ bytes += files * static_cast<unsigned long long>(fs.f_frsize); @@ bytes += 0; @@ hunt_io/free_space_check_counts_whole_blocks
font_fifo_as_missing @@ src/report/text.cpp @@ if (is_dir(path)) { @@ if (!is_file(path)) { @@ hunt_io/unusable_font_file_names_the_problem
nohup_overridden @@ src/core/interrupt.cpp @@ old.sa_handler != SIG_IGN @@ old.sa_handler != SIG_ERR @@ hunt_io/nohup_keeps_sighup_ignored
extra_bias_file_loaded @@ src/train/weights_io.cpp @@ join_path(dir, file_name(m.layers.size(), what)) @@ join_path(dir, file_name(m.layers.size(), "weight")) @@ hunt_io/extra_layer_bias_file_is_refused
npy_size_before_dtype @@ src/data/npy.cpp @@ *longer = f.size() > max_bytes ? f.size() : 0; @@ if (f.size() > max_bytes) throw Error(path + ": over the limit"); @@ hunt_io/float64_weights_are_named_by_dtype
dangling_out_link_misnamed @@ src/core/fsutil.cpp @@ throw Error(partial + ": a symbolic link to a missing directory"); @@ throw Error(partial + ": exists and is not a directory"); @@ hunt_io/dangling_link_as_output_dir_says_so
# the progress bar and quiet offline runs
bar_takes_the_last_column @@ src/report/progress.cpp @@ const int width = columns - 1; @@ const int width = columns; @@ progress/the_line_fits_and_drops_fields_in_order
eta_dropped_before_rate @@ src/report/progress.cpp @@ {true, true, true}, {true, false, true}, @@ {true, true, true}, {true, true, false}, @@ progress/the_line_fits_and_drops_fields_in_order
unknown_rate_as_zero @@ src/report/progress.cpp @@ : ", ? " + s.rate_unit; @@ : ", 0 " + s.rate_unit; @@ progress/unknown_is_a_question_mark_not_zero
bar_left_under_epoch_line @@ src/train/observers.cpp @@ void epoch_ends(RunState& s) override { s.finish_bar(); } @@ void epoch_ends(RunState&) override {} @@ progress/a_run_in_a_60_column_terminal_leaves_only_its_lines
fetch_marker_ignored @@ src/data/mnist.cpp @@ if (!fetch_now && fetch_marker_holds(read_marker(marker), now)) break; @@ if (false) break; @@ offline/one_line_then_silence_then_fetch_retries
fetch_marker_from_the_future @@ src/data/mnist.cpp @@ return t <= now && now - t < kFetchRetrySeconds; @@ return now - t < kFetchRetrySeconds; @@ offline/the_marker_holds_for_a_day_from_a_time_in_the_past,an_old_or_unreadable_marker_is_tried_again

# wi notebook: the page's escaping and base64, answers that follow the numbers, figures staged atomically
notebook_escape_amp @@ src/app/html.cpp @@ case '&': s += "&amp;"; break; @@ case '&': s += "&"; break; @@ notebook/every_string_is_escaped
notebook_base64_unpadded @@ src/app/html.cpp @@ s += left == 2 ? kAlphabet[v >> 6 & 63] : '='; @@ s += kAlphabet[v >> 6 & 63]; @@ notebook/base64_matches_rfc4648_vectors
notebook_best_is_worst @@ src/app/notebook_sigmoid.cpp @@ return a.test_accuracy > b.test_accuracy; @@ return a.test_accuracy < b.test_accuracy; @@ notebook/answers_follow_the_numbers
notebook_prior_unread @@ src/app/notebook_cells.cpp @@ if (std::fabs(acc - n.prior_share) <= kPriorTol) @@ if (std::fabs(acc - n.prior_share) < 0) @@ notebook/answers_follow_the_numbers
notebook_divergence_unread @@ src/app/notebook_cells.cpp @@ if (rep.diverged) { @@ if (false) { @@ notebook/answers_follow_the_numbers
notebook_stage_left_behind @@ src/app/notebook.cpp @@ ::rmdir(dir_.c_str()); @@ (void)dir_; @@ notebook/page_is_well_formed_self_contained_and_its_figures_decode

# figures as a reader sees them: labels and legends off the data, point masses, the built-in font, compared panels
label_ignores_the_curve @@ src/report/axes.cpp @@ for (const Point& q : frame_.data) @@ for (const Point& q : std::vector<Point>{}) @@ figure_reader/training_labels_and_legend_keep_off_the_curves
table_columns_touch @@ src/report/figures_train.cpp @@ constexpr double kRow = 24.0, kGap = 16.0; @@ constexpr double kRow = 24.0, kGap = 0.0; @@ figure_reader/sigma_table_columns_keep_apart_in_every_font
point_mass_off_its_value @@ src/report/figures_train.cpp @@ ax.stem(pm.value, spread ? top : share, palette::kBlue, 2.5); @@ ax.stem(pm.value + (xr.hi - xr.lo) * 0.05, spread ? top : share, palette::kBlue, 2.5); @@ figure_reader/point_masses_are_stems_at_their_value
builtin_sigma_as_s @@ src/report/text.cpp @@ {0x03C3, 7, @@ {0x03C4, 7, @@ figure_reader/builtin_font_draws_its_own_symbols
reference_over_data @@ src/report/figures_experiments.cpp @@ if (s.reference != (pass == 0)) continue; @@ if (s.reference == (pass == 0)) continue; @@ figure_reader/experiment_legends_find_room_off_the_data
y_group_not_shared @@ src/report/figures_experiments.cpp @@ panels[j].y_group == panels[k].y_group) r[k] = merge @@ panels[j].y_group == -99) r[k] = merge @@ figure_reader/experiment_legends_find_room_off_the_data

# the README check: a changed line, a line too many, a number's prefix, the verdict's status,
# the CPU a block needs, a figure's size
readme_check_ignores_line_content @@ tests/readme_check.sh @@ if (j + q > m || A[j + q] != E[i + q]) show(i + q, j + q) @@ if (j + q > m) show(i + q, j + q) @@ readme_check/a_doctored_readme_is_caught,each_directive_on_a_small_file
readme_check_extra_lines_ignored @@ tests/readme_check.sh @@ if (!gap && j <= m) show(n + 1, j) @@ if (0 && j <= m) show(n + 1, j) @@ readme_check/a_doctored_readme_is_caught
readme_check_number_as_prefix @@ tests/readme_check.sh @@ if (b !~ /[0-9.]/ && a !~ /[0-9]/ && @@ if (b !~ /[0-9.]/ && @@ readme_check/each_directive_on_a_small_file
readme_check_exit_0_on_mismatch @@ tests/readme_check.sh @@ $mismatched mismatched, $skipped skipped"\nexit 1 @@ $mismatched mismatched, $skipped skipped"\nexit 0 @@ readme_check/a_doctored_readme_is_caught,each_directive_on_a_small_file
readme_check_needs_ignored @@ tests/readme_check.sh @@ case $cpuflags in *" $r "*) ;; @@ case $cpuflags in *) ;; @@ readme_check/each_directive_on_a_small_file
readme_check_drop_column_keeps_rows @@ tests/readme_check.sh @@ if (length($0) > cs && cell ~ @@ if (length($0) > cs + 1000 && cell ~ @@ readme_check/each_directive_on_a_small_file
readme_check_any_png_size @@ tests/readme_check.sh @@ if [ "$got" = "$want" ]; then @@ if [ -n "$got" ]; then @@ readme_check/a_doctored_readme_is_caught

# the floors: includes go down only, and no file lies loose at src/'s top level
include_goes_up @@ src/core/strf.cpp @@ #include "strf.h" @@ #include "strf.h"\n#include "../train/trainer.h" @@ floors/includes_go_down_the_floors_only
kernels_reach_into_src @@ kernels/wi_cuda.h @@ #pragma once @@ #pragma once\n#include "../src/core/error.h" @@ floors/kernels_include_nothing_from_src
# the sweep engine: done one at a time, a run's identity, resuming, shards, grid order, the heatmap
sweep_done_unlocked @@ src/backend/pool_local.h @@             std::lock_guard<std::mutex> lock(mu);\n            done(todo[k], *r); @@             done(todo[k], *r); @@ sweep/the_pool_runs_each_index_once_and_done_one_at_a_time
sweep_hash_ignores_lr @@ src/sweep/sweep_config.cpp @@ {"lr", shortest_float(static_cast<float>(cfg.lr))}, @@ {"lr", "?"}, @@ sweep/a_runs_hash_is_its_settings_not_its_grid
sweep_resume_keeps_an_unfinished_run @@ src/sweep/sweep_csv.cpp @@ planned_epochs(csv, last) == static_cast<long>(run.fields.size()) @@ planned_epochs(csv, last) >= 1 @@ sweep/kill_9_then_resume_equals_uninterrupted
sweep_shard_skips_runs @@ src/sweep/sweep.cpp @@ i < runs.size(); i += shards) { @@ i < runs.size(); i += shards + (shards > 1)) { @@ sweep/two_shards_merged_equal_the_whole
sweep_not_rewritten_in_grid_order @@ src/sweep/sweep.cpp @@     write_file_atomic(csv_path, sweep_csv_text(csv, header));\n    OutputLog log; @@     OutputLog log; @@ sweep/kill_9_then_resume_equals_uninterrupted
sweep_heatmap_colours_reversed @@ src/report/figures_sweep.cpp @@ cell.n > 0 ? heat_color(t) : kNotMeasured @@ cell.n > 0 ? heat_color(1 - t) : kNotMeasured @@ sweep/heatmap_cells_carry_the_colours_of_their_values


# the MPI pool (built and tested with MPI=1): sessions kept apart, remote failures and signals
# brought to rank 0, rank 0 running runs too
pool_reads_past_bye @@ src/backend/pool_mpi.cpp @@ while (!said_bye[from] && receive(w, from, m)) { @@ while (receive(w, from, m)) { @@ MPI=1 mpi/runs_spread_over_three_ranks_each_done_once_on_rank_0
pool_remote_failure_dropped @@ src/backend/pool_mpi.cpp @@ fail(std::make_exception_ptr(Error(m.substr(9)))); @@ stopping = true; @@ MPI=1 mpi/a_run_failing_on_rank_2_is_rethrown_on_rank_0
pool_remote_signal_kept_there @@ src/backend/pool_mpi.cpp @@ raise_here(get<std::int32_t>(m, 1));\n                    stopping = true; @@ (void)0; @@ MPI=1 mpi/a_signal_on_rank_1_stops_every_rank
pool_rank0_only_serves @@ src/backend/pool_mpi.cpp @@ for (std::size_t n = stopping ? 0 : local.wanted(); @@ for (std::size_t n = 0; @@ MPI=1 mpi/runs_spread_over_three_ranks_each_done_once_on_rank_0

# the training loop: loader and observers
loader_labels_of_the_first_sample @@ src/train/batch_loader.cpp @@ y_[i] = d_.labels[idx[i]]; @@ y_[i] = d_.labels[idx[0]]; @@ loop/loader_yields_the_shuffled_order_normalized
loader_normalizes_this_batch_again @@ src/train/batch_loader.cpp @@ backend_.normalize(next_x, d_, idx + n, next_n); @@ backend_.normalize(next_x, d_, idx, next_n); @@ loop/loader_yields_the_shuffled_order_normalized,a_run_through_the_loop_equals_the_notebooks_loop
loader_hands_off_full_rows @@ src/train/batch_loader.cpp @@ ahead_->next_rows = next_n; @@ ahead_->next_rows = batch_; @@ loop/loader_yields_the_shuffled_order_normalized
look_ahead_kept_past_a_hook @@ src/train/observers.cpp @@ if (ahead_ != nullptr) ahead_->forget(); @@ if (false) ahead_->forget(); @@ loop/a_hook_that_changes_the_weights_is_seen_by_the_next_step
observers_run_on_past_a_divergence @@ src/train/observers.cpp @@ o->after_step(s_, r);\n        if (!s_.going()) return false; @@ o->after_step(s_, r);\n        if (!s_.going() && false) return false; @@ loop/observers_called_once_per_step_and_epoch_in_order

# one engine: an experiment's runs are its grid, run_compare's through the pool's loop
experiment_untrained_arm_at_every_lr @@ src/experiment/run.cpp @@ if (!r.arm.train && at[2] > 0) continue; @@ if (!r.arm.train && at[2] > 5) continue; @@ engine/an_arm_measured_at_init_runs_at_one_learning_rate
experiment_grid_lr_slowest @@ src/experiment/run.cpp @@ for (Axis* a : {&depth, &arm, &lr}) { @@ for (Axis* a : {&lr, &arm, &depth}) { @@ engine/an_experiments_runs_are_its_grid

# mean-field theory
theory_length_map_no_bias @@ src/theory/meanfield.cpp @@ }) + sb2; @@ }); @@ theory/tanh_sanity_values_of_theory_md
theory_chi1_not_squared @@ src/theory/meanfield.cpp @@ return d * d; @@ return d; @@ theory/tanh_sanity_values_of_theory_md
theory_converged_by_step_alone @@ src/theory/meanfield.cpp @@ if (left <= tol * scale && std::fabs(step) <= tol * scale) { @@ if (std::fabs(step) <= 1e-5) { @@ theory/convergence_failure_is_reported_not_printed,tanh_sanity_values_of_theory_md
theory_gh_weight_off @@ src/theory/quadrature.cpp @@ g.w.push_back(2.0 / (dp * dp) / std::sqrt(M_PI)); @@ g.w.push_back(2.0 / (dp * dp) / 1.7725); @@ theory/gauss_hermite_integrates_gaussian_moments
theory_csv_prints_inf @@ src/theory/theory_command.cpp @@ std::isfinite(v) ? strf @@ !std::isnan(v) ? strf @@ theory/wi_theory_csv_columns_and_cells
theory_verdict_4_5_xi @@ src/theory/theory_command.cpp @@ const double bound = 6.0 * xi_c; @@ const double bound = 4.5 * xi_c; @@ theory/wi_theory_table_and_verdicts
theory_sweep_axis_appended_twice @@ src/sweep/sweep_config.cpp @@ if (!swept.count(item.substr(0, item.find('=')))) kept @@ if (true) kept @@ theory/sweep_axis_overrides_a_meanfield_parameter
theory_meanfield_bias_zero @@ src/init/init.cpp @@ case BiasRule::Normal: fill_normal(L.b, rng, 0.0, std::sqrt(spec.num("sigma_b2"))); @@ case BiasRule::Normal: L.b.fill(0.0f); @@ theory/meanfield_init_moments
theory_meanfield_fan_out @@ src/init/init.cpp @@ return normal_law(0, std::sqrt(s.num("sigma_w2") / in)); @@ return normal_law(0, std::sqrt(s.num("sigma_w2") / out)); @@ theory/meanfield_init_moments
theory_neutral_c_star_kept @@ src/theory/meanfield.cpp @@ if (p.c.value < 1.0 && !(p.chi_c < 1.0 - 1e-12)) { @@ if (false) { @@ theory/linear_maps_match_their_closed_forms
init_value_ignored @@ src/sweep/sweep_config.cpp @@ if (cfg.init_value_set && std::string(s.spec.init->name) == "constant" @@ if (false && cfg.init_value_set && std::string(s.spec.init->name) == "constant" @@ hunt_cli/evaluation_of_overflowing_weights_is_not_an_accuracy
EOF

JOBS=${MUTANT_JOBS:-2}
TIMEOUT=${MUTANT_TIMEOUT:-300}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
start=$SECONDS

# The table as records "name<TAB>file<TAB>old<TAB>new<TAB>tests", in order, checked.
records=$(printf '%s\n' "$TABLE" | python3 -c '
import sys
for n, line in enumerate(sys.stdin, 1):
    line = line.rstrip("\n")
    if not line.strip() or line.lstrip().startswith("#"):
        continue
    f = [x.strip() for x in line.split(" @@ ")]
    if len(f) not in (4, 5) or "\t" in line:
        sys.exit("mutants: table line %d: expected name @@ file @@ old @@ new [@@ tests]: %s" % (n, line))
    print("\t".join(f + [""] * (5 - len(f))))
') || exit 2
names=$(printf '%s\n' "$records" | cut -f1 | awk '!seen[$0]++')
if [ $# -gt 0 ]; then
    for want in "$@"; do
        printf '%s\n' "$names" | grep -qxF -- "$want" || { echo "mutants: no mutant named '$want'" >&2; exit 2; }
    done
    names=$(printf '%s\n' "$@")
fi

# The scratch copy: sources and the current build (timestamps kept, so only what a mutant
# touches is rebuilt). The tests find the scratch tree's wi through WI_TEST_ROOT/WI_TEST_BIN.
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/wi-mutants.XXXXXX") || exit 2
chmod 755 "$SCRATCH"  # tests that drop to an unprivileged user run the wi in it
ORIG="$SCRATCH/.orig"
restore() {  # put back every file a mutant changed
    if [ -d "$ORIG" ]; then
        (cd "$ORIG" && find . -type f) | while read -r f; do cp -p "$ORIG/$f" "$SCRATCH/tree/$f"; done
        rm -rf "$ORIG"
    fi
}
cleanup() { restore; rm -rf "$SCRATCH"; }
# Builds and test runs go in the background under timeout(1), which gives them a process
# group of their own: a signal to this script then ends them at once, and the whole group.
child=0
in_background() {
    timeout "$@" &
    child=$!
    wait "$child"
    local rc=$?
    child=0
    return "$rc"
}
exec 3>&1  # the script's own output, for messages from inside redirected calls
interrupted() {
    echo >&3
    echo "mutants: interrupted" >&3
    if [ "$child" -gt 0 ]; then
        kill -TERM "$child" 2>/dev/null
        wait "$child" 2>/dev/null
    fi
    exit 130
}
trap cleanup EXIT
trap interrupted INT TERM HUP

echo "mutants: copying the tree to $SCRATCH/tree"
mkdir -p "$SCRATCH/tree"
(cd "$ROOT" && tar --exclude=./build-san --exclude=./build-gpu --exclude=./.git -cf - .) | (cd "$SCRATCH/tree" && tar -xpf -) || exit 2
cd "$SCRATCH/tree" || exit 2
export WI_TEST_ROOT="$PWD" WI_TEST_BIN="$PWD/wi" WI_NO_FETCH=1

# A mutant's tests field: the make variables before its filter, and the filter.
make_vars() { printf '%s\n' "$1" | awk '{ v = ""; for (i = 1; i < NF && $i ~ /^[A-Z_]+=/; ++i) v = v (v ? " " : "") $i; print v }'; }
test_filter() { printf '%s\n' "$1" | awk '{ for (i = 1; i < NF && $i ~ /^[A-Z_]+=/; ++i) ; print $i }'; }
build_dir() { case " $1 " in *" MPI=1 "*) echo build-mpi ;; *) echo build ;; esac; }
bin_of() { case " $1 " in *" MPI=1 "*) echo build-mpi/wi ;; *) echo wi ;; esac; }
# build [VARS], run_tests FILTER [VARS]
build() { in_background 3600 make -j"$JOBS" ${1:-} "$(build_dir "${1:-}")/wi_tests" "$(bin_of "${1:-}")" >"$SCRATCH/build.log" 2>&1; }
run_tests() {
    WI_TEST_BIN="$PWD/$(bin_of "${2:-}")" in_background "$TIMEOUT" "./$(build_dir "${2:-}")/wi_tests" --run_test="$1" >"$SCRATCH/test.log" 2>&1
}

# Every mutant's tests must pass on the code as it is, or a kill means nothing: each build
# (the plain one, or the one its make variables name) against its mutants' tests.
all_tests=$(for name in $names; do printf '%s\n' "$records" | awk -F'\t' -v n="$name" '$1 == n && $5 != "" { print $5; exit }'; done)
while IFS= read -r vars; do
    filters=$(printf '%s\n' "$all_tests" | while IFS= read -r t; do
        [ -n "$t" ] && [ "$(make_vars "$t")" = "$vars" ] && test_filter "$t"; done | awk '!seen[$0]++' | paste -sd: -)
    echo "mutants: building the unmutated tree${vars:+ ($vars)}"
    build "$vars" || { tail -20 "$SCRATCH/build.log"; echo "mutants: the unmutated tree does not build"; exit 2; }
    echo "mutants: the unmutated tree against every mutant's tests${vars:+ ($vars)}"
    if ! run_tests "$filters" "$vars"; then
        tail -30 "$SCRATCH/test.log"
        echo "mutants: the tests fail on the unmutated tree: fix that first"
        exit 2
    fi
done < <(printf '%s\n' "$all_tests" | while IFS= read -r t; do [ -n "$t" ] && make_vars "$t"; done | awk '!seen[$0]++')

killed=0 survived=0 broken=0 total=0
survivors=()
for name in $names; do
    total=$((total + 1))
    t0=$SECONDS
    mkdir -p "$ORIG"
    tests=$(printf '%s\n' "$records" | awk -F'\t' -v n="$name" '$1 == n && $5 != "" { print $5; exit }')
    applied=$(printf '%s\n' "$records" | awk -F'\t' -v n="$name" '$1 == n' | python3 -c '
import os, sys
orig = sys.argv[1]
for rec in sys.stdin:
    name, path, old, new, _ = rec.rstrip("\n").split("\t")
    unescape = lambda s: s.replace("\\\\", "\0").replace("\\n", "\n").replace("\0", "\\")
    old, new = unescape(old), unescape(new)
    if not os.path.isfile(path):
        sys.exit("%s: no file %s" % (name, path))
    keep = os.path.join(orig, path)
    if not os.path.exists(keep):
        os.makedirs(os.path.dirname(keep), exist_ok=True)
        with open(path, "rb") as f, open(keep, "wb") as g:
            g.write(f.read())
    text = open(path).read()
    if text.count(old) != 1:
        sys.exit("%s: %s: the old text is found %d times, not once: %r" % (name, path, text.count(old), old))
    with open(path, "w") as f:
        f.write(text.replace(old, new))
print("ok")
' "$ORIG" 2>&1)
    if [ "$applied" != ok ]; then
        echo "mutant $name: ERROR: $applied"
        broken=$((broken + 1))
    elif [ -z "$tests" ]; then
        echo "mutant $name: ERROR: no tests given"
        broken=$((broken + 1))
    elif ! build "$(make_vars "$tests")"; then
        echo "mutant $name: ERROR: does not build"
        grep -m3 'error' "$SCRATCH/build.log" | sed 's/^/    /'
        broken=$((broken + 1))
    elif run_tests "$(test_filter "$tests")" "$(make_vars "$tests")"; then
        echo "mutant $name: SURVIVED ($tests passed, $((SECONDS - t0)) s)"
        survived=$((survived + 1))
        survivors+=("$name")
    else
        echo "mutant $name: killed ($(grep -m1 -oE 'error: in "[^"]*"' "$SCRATCH/test.log" || echo "tests failed"), $((SECONDS - t0)) s)"
        killed=$((killed + 1))
    fi
    restore
done

echo
note=""
[ "$broken" -gt 0 ] && note=" ($broken broken: see their ERROR lines)"
echo "mutants: $killed killed, $survived survived of $total$note in $((SECONDS - start)) s"
[ "${#survivors[@]}" -gt 0 ] && echo "survivors: ${survivors[*]}"
[ "$killed" -eq "$total" ]
