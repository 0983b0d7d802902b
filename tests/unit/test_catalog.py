"""The catalog of formats is the one source of truth: everything that lists formats agrees with it."""

import re
import sys
import tomllib
import warnings
from pathlib import Path

import pytest

import poseconv
from poseconv import catalog
from poseconv.errors import InvalidSourceFileError, PoseconvWarning, UnsupportedFormatError
from tests.fixtures.paths import SHARED_DATA, needs_shared_data

ROOT = Path(__file__).resolve().parents[2]
BUILTIN = list(catalog.BUILTIN_FORMATS)


def test_pyproject_entry_points_are_the_catalog_interfaces():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    points = pyproject["project"]["entry-points"]["neuroconv.interfaces"]
    assert points == {fmt.interface_name: fmt.interface for fmt in BUILTIN}


def test_public_names_come_from_the_catalog():
    from poseconv import interfaces

    for fmt in BUILTIN:
        assert fmt.interface_name in poseconv.__all__
        assert getattr(poseconv, fmt.interface_name) is catalog.interface_class(fmt)
        assert getattr(interfaces, fmt.interface_name) is catalog.interface_class(fmt)
        for name in fmt.public_names:
            assert getattr(poseconv, name) is catalog.load(fmt.reader)
    assert set(interfaces.__all__) - {"PoseNWBConverter", "PoseConverterPipe"} == {f.interface_name for f in BUILTIN}


def test_cli_and_spec_know_every_alias():
    from poseconv.batch.registry import get_interface_class
    from poseconv.batch.spec import spec_schema
    from poseconv.cli._sources import resolve_source

    help_text = catalog.source_help()
    described = str(spec_schema())
    for fmt in BUILTIN:
        for alias in fmt.aliases:
            assert resolve_source(alias) == fmt.name
            assert get_interface_class(alias) is catalog.interface_class(fmt)
        assert f"{fmt.alias} ({fmt.name})" in help_text
        if fmt.kind != "labels":
            assert f"{fmt.alias} = {fmt.interface_name}" in described


def test_the_readme_format_table_is_the_catalog_s():
    readme = (ROOT / "README.md").read_text()
    table = re.search(r"<!-- formats -->\n(.*?)<!-- /formats -->", readme, re.S)
    assert table is not None, "README.md lacks the format table between <!-- formats --> markers"
    assert table.group(1) == catalog.format_table()


def test_the_argument_that_keeps_animals_is_the_interface_s_own():
    # Before, the SLEAP session format said "individuals" while its interface takes tracks (a second table of
    # the fact, on the interface); labels formats said "individuals" while their interfaces take none.
    import inspect

    for fmt in catalog.formats().values():
        cls = catalog.interface_class(fmt)
        parameters = inspect.signature(cls.__init__).parameters
        if fmt.individuals_argument is None:
            assert not {"individuals", "tracks"} & set(parameters), fmt.name
        else:
            assert fmt.individuals_argument in parameters, fmt.name
            assert getattr(cls, "individuals_argument", fmt.individuals_argument) == fmt.individuals_argument


def test_unknown_source_suggests_a_close_alias():
    with pytest.raises(UnsupportedFormatError, match="Did you mean 'sleap-session'"):
        catalog.get_format("sleap-sesion")


def test_a_taken_alias_cannot_be_registered():
    clash = catalog.Format(
        name="Other",
        source_software="Other",
        kind="predictions",
        aliases=("dlc",),
        suffixes=frozenset({".csv"}),
        reader="poseconv.readers.deeplabcut:read_deeplabcut",
    )
    with pytest.raises(Exception, match="aliases \\['dlc'\\] are taken"):
        catalog.register_format(clash)


_PLUGIN_MODULE = """
from poseconv.catalog import Format

FORMAT = Format(
    name="Catalog Toy", source_software="Toy", kind="predictions", aliases=("catalog-toy",),
    suffixes=frozenset({".cattoy"}), reader="catalog_toy_format:read",
)
"""


def test_a_published_format_is_found_and_importlib_metadata_asked_only_when_a_package_publishes_one(
    tmp_path, monkeypatch
):
    # importlib.metadata (45 ms to import, and a read of every installed package) was asked on every command.
    import importlib.metadata

    dist = tmp_path / "catalog_toy_format-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: catalog-toy-format\nVersion: 1.0\n")
    (tmp_path / "catalog_toy_format.py").write_text(_PLUGIN_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "catalog_toy_format", raising=False)
    monkeypatch.setattr(catalog, "_CATALOG", dict(catalog.formats()))

    def unasked(**_):
        raise AssertionError("importlib.metadata.entry_points was asked with no package publishing a format")

    monkeypatch.setattr(importlib.metadata, "entry_points", unasked)
    monkeypatch.setattr(catalog, "_ENTRY_POINTS_LOADED", False)
    assert "Catalog Toy" not in catalog.formats()

    (dist / "entry_points.txt").write_text("[poseconv.formats]\ncatalog-toy = catalog_toy_format:FORMAT\n")
    monkeypatch.undo()  # the real entry_points, which reads the file just written
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "catalog_toy_format", raising=False)
    monkeypatch.setattr(catalog, "_CATALOG", dict(catalog.formats()))
    monkeypatch.setattr(catalog, "_ENTRY_POINTS_LOADED", False)
    assert catalog.formats()["Catalog Toy"].alias == "catalog-toy"


@needs_shared_data
@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("sleap/tests/data/cameras/minimal_session/min_session.slp", "SLEAP session"),
        ("sleap/tests/data/tracks/clip.slp", "SLEAP"),
        ("deeplabcut/3Dtestviews_videos/vid1_DLC_3D.h5", "DeepLabCut 3D"),
        ("deeplabcut/3Dtestviews_videos/vid1_DLC_3D.csv", "DeepLabCut 3D"),
        ("deeplabcut/3Dtestviews_videos/vid1_camera-1DLC_resnet50_TESTNov4shuffle1_10.h5", "DeepLabCut"),
        ("deeplabcut/openfield-Pranav-2018-10-30/labeled-data/m4s1/CollectedData_Pranav.csv", "DeepLabCut labels"),
        ("deeplabcut/openfield-Pranav-2018-10-30/labeled-data/m4s1/CollectedData_Pranav.h5", "DeepLabCut labels"),
        ("lightning-pose/mirror-mouse-example/CollectedData.csv", "LightningPose labels"),
        (
            "neuroconv/behavior_testing_data/lightningpose/outputs/2023-11-09/10-14-37/video_preds/test_vid.csv",
            "LightningPose",
        ),
    ],
)
def test_files_are_routed_by_content(relative, expected):
    assert catalog.detect_format(SHARED_DATA / relative).name == expected


@needs_shared_data
def test_a_3d_table_without_its_calibration_is_plain_deeplabcut(tmp_path):
    import shutil

    copy = tmp_path / "vid1_DLC_3D.h5"
    shutil.copy(SHARED_DATA / "deeplabcut/3Dtestviews_videos/vid1_DLC_3D.h5", copy)
    assert catalog.detect_format(copy).name == "DeepLabCut"


@needs_shared_data
@pytest.mark.parametrize(
    ("relative", "chosen", "fragment"),
    [
        ("sleap/tests/data/cameras/minimal_session/min_session.slp", "sleap", "what only SLEAP session keeps"),
        ("deeplabcut/3Dtestviews_videos/vid1_DLC_3D.h5", "dlc", "what only DeepLabCut 3D keeps"),
        (
            "neuroconv/behavior_testing_data/lightningpose/outputs/2023-11-09/10-14-37/video_preds/test_vid.csv",
            "dlc",
            "would record 'DeepLabCut'",
        ),
        (
            "deeplabcut/3Dtestviews_videos/vid1_camera-1DLC_resnet50_TESTNov4shuffle1_10filtered.csv",
            "lp",
            "would record 'LightningPose'",
        ),
    ],
)
def test_a_choice_that_loses_or_mislabels_data_is_an_error(relative, chosen, fragment):
    with pytest.raises(InvalidSourceFileError, match=re.escape(fragment)):
        poseconv.read_pose(SHARED_DATA / relative, source_software=chosen)


@needs_shared_data
def test_a_choice_that_loses_nothing_is_a_warning():
    path = SHARED_DATA / "lightning-pose/mirror-mouse-example/CollectedData.csv"
    # DeepLabCut's labels reader reads Lightning Pose's labels exactly; only the name of the tool differs.
    with pytest.raises(InvalidSourceFileError, match="would record 'DeepLabCut'"):
        catalog.check_format(path, catalog.get_format("dlc-labels"))
    with pytest.warns(PoseconvWarning, match="looks like DeepLabCut 3D"):
        catalog.check_format(
            SHARED_DATA / "deeplabcut/3Dtestviews_videos/vid1_DLC_3D.h5", catalog.get_format("dlc-labels")
        )


def _sniffer_that_breaks(path):
    raise RuntimeError("a bug in the sniffer")


def _sniffer_of_another_format(path):
    raise OSError("not an HDF5 file")


def test_a_broken_sniffer_says_no_and_warns_naming_the_format(tmp_path):
    path = tmp_path / "poses.xyz"
    path.write_text("x")

    def fmt(sniffer: str) -> catalog.Format:
        return catalog.Format(
            name="Test format",
            source_software="Test",
            kind="predictions",
            aliases=("test",),
            suffixes=frozenset({".xyz"}),
            reader="builtins:print",
            sniffer=f"{__name__}:{sniffer}",
        )

    with pytest.warns(PoseconvWarning, match=r"sniffer of Test format .*RuntimeError: a bug in the sniffer"):
        assert fmt("_sniffer_that_breaks").sniff(path) is False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # A file the sniffer cannot read as its format is a plain no.
        assert fmt("_sniffer_of_another_format").sniff(path) is False


def _labels_csv(path: Path, *, individuals: bool) -> Path:
    """Write a small labels CSV in DeepLabCut's layout, outside any project."""
    header = ["scorer,Jane,Jane,Jane,Jane"]
    if individuals:
        header.append("individuals,mouse1,mouse1,mouse2,mouse2")
    header += ["bodyparts,nose,nose,nose,nose" if individuals else "bodyparts,nose,nose,tail,tail", "coords,x,y,x,y"]
    path.write_text("\n".join([*header, "labeled-data/v/img001.png,1,2,3,4", "labeled-data/v/img002.png,5,6,,"]) + "\n")
    return path


@pytest.mark.parametrize("name", ["labels.csv", "CollectedData.csv"])
def test_multi_animal_labels_outside_a_project_are_deeplabcut_labels(tmp_path, name):
    # Lightning Pose labels are single-animal: an individuals row is DeepLabCut's alone, even under
    # Lightning Pose's file name.
    path = _labels_csv(tmp_path / name, individuals=True)
    assert catalog.detect_format(path).name == "DeepLabCut labels"


def test_labels_named_after_their_labeler_are_deeplabcut_labels(tmp_path):
    # DeepLabCut names a labels table CollectedData_<scorer>; Lightning Pose does not.
    path = _labels_csv(tmp_path / "CollectedData_Jane.csv", individuals=False)
    assert catalog.detect_format(path).name == "DeepLabCut labels"


def test_an_ambiguous_file_names_the_formats_to_choose_from(tmp_path):
    # Single-animal labels outside a DeepLabCut project, not named as either tool names them.
    path = _labels_csv(tmp_path / "labels.csv", individuals=False)
    with pytest.raises(
        UnsupportedFormatError, match=r"DeepLabCut labels \(dlc-labels\) or as LightningPose labels \(lp-labels\)"
    ) as err:
        catalog.detect_format(path)
    assert err.value.candidates == ("dlc-labels", "lp-labels")
    # Each candidate named is one the user can choose, and reads the file.
    for alias in err.value.candidates:
        assert poseconv.read_pose(path, source_software=alias).n_instances == 2


@pytest.mark.parametrize("field", ["sniffer", "also_reads"])
def test_a_broken_content_check_says_no_with_a_warning(tmp_path, field):
    # json.loads given a Path raises TypeError: a check that breaks, not one that reads another format.
    fmt = catalog.Format(
        name="Broken",
        aliases=("broken",),
        source_software="Broken",
        kind="predictions",
        suffixes=frozenset({".txt"}),
        reader="json:loads",
        **{field: "json:loads"},
    )
    path = tmp_path / "a.txt"
    path.write_text("{}", encoding="utf-8")
    check = fmt.sniff if field == "sniffer" else fmt.reads_if_chosen
    with pytest.warns(PoseconvWarning, match=r"of Broken \(json:loads\) failed on .*TypeError"):
        assert check(path) is False


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("keypoints.json", r"sleap-io reads keypoint labels in COCO.*load_file"),
        ("leap_labels.mat", r"LEAP \.mat files"),
        ("session.zip", r"an archive: unpack it"),
        ("preds.csv.gz", r"an archive: unpack it"),
    ],
)
def test_files_of_other_kinds_say_the_way_to_a_file_poseconv_reads(tmp_path, name, said):
    (tmp_path / name).write_bytes(b"{}")
    with pytest.raises(UnsupportedFormatError, match=said):
        catalog.detect_format(tmp_path / name)


#: SLEAP's JSON labels before .slp (talmolab/sleap tests/data/json_format_v2/minimal_instance.json, shortened).
SLEAP_JSON = (
    '{"version": "2.0.0", "skeletons": [{"directed": true, "graph": {"name": "Skeleton-0"}, "links": [], '
    '"multigraph": true, "nodes": [{"id": 0}]}], "nodes": [{"name": "A", "weight": 1.0}], "videos": '
    '[{"backend": {"filename": "clip.mp4"}}], "labels": [{"video": 0, "frame_idx": 0, "_instances": []}], '
    '"tracks": []}'
)


@pytest.mark.parametrize("name", ["labels.json", "labels.json.zip"])
def test_sleap_json_labels_say_to_save_them_as_slp_in_sleap(tmp_path, name):
    # The advice was sleap-io's load_file, which fails on them ("Cannot find annotation data"), or to unpack the
    # .json.zip, which gives the same .json.
    import zipfile

    path = tmp_path / name
    if name.endswith(".zip"):
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("labels.json", SLEAP_JSON)
    else:
        path.write_text(SLEAP_JSON)
    with pytest.raises(UnsupportedFormatError) as raised:
        catalog.detect_format(path)
    message = str(raised.value)
    assert "SLEAP's older JSON labels format" in message and "sleap.load_file(path).save('labels.slp')" in message
    assert "sleap_io.load_file" not in message and "unpack it" not in message


def test_a_sleap_nix_export_says_to_export_the_analysis_h5(tmp_path):
    (tmp_path / "labels.nix").write_bytes(b"\x89HDF\r\n\x1a\n")
    with pytest.raises(UnsupportedFormatError, match=r"SLEAP's NIX analysis export: export the analysis HDF5"):
        catalog.detect_format(tmp_path / "labels.nix")


SUPERANIMAL = "superanimal_topviewmouse_hrnet_w32_fasterrcnn_resnet50_fpn_v2"


@pytest.mark.parametrize(
    ("name", "table"),
    [
        (f"openfield_{SUPERANIMAL}.json", f"openfield_{SUPERANIMAL}.h5"),
        (f"openfield_{SUPERANIMAL}_before_adapt.json", f"openfield_{SUPERANIMAL}.h5"),
        ("run_DLC_fmpose3d_humans_3d.json", "run_DLC_fmpose3d_humans.h5, run_DLC_fmpose3d_humans_3d.h5"),
        (f"mouse1_{SUPERANIMAL}.json", "mouse1_<scorer>.h5"),  # the table not beside it: its name's pattern
    ],
)
def test_a_model_zoo_json_names_the_table_beside_it(tmp_path, name, table):
    # DeepLabCut's model zoo video inference writes each frame's predictions as JSON beside its .h5: before,
    # the advice was sleap-io's COCO / AlphaTracker / Label Studio reader, which cannot read it.
    (tmp_path / name).write_text("[]")
    for beside in (f"openfield_{SUPERANIMAL}.h5", "run_DLC_fmpose3d_humans.h5", "run_DLC_fmpose3d_humans_3d.h5"):
        (tmp_path / beside).write_bytes(b"")
    with pytest.raises(UnsupportedFormatError) as raised:
        catalog.detect_format(tmp_path / name)
    message = str(raised.value)
    assert "per-frame JSON of DeepLabCut's model zoo video inference" in message and "sleap-io" not in message
    assert f"convert that .h5 ({table})." in message


def test_every_reader_of_the_catalog_names_its_file_when_a_library_fails_on_it():
    # reads_source turns a library's error on a damaged file into one naming the file; a helper slipped in
    # between it and read_sleap_csv once took the decorator from the reader.
    from poseconv.catalog.format import load

    bare = [fmt.name for fmt in catalog.formats().values() if not hasattr(load(fmt.reader), "__wrapped__")]
    assert bare == [], bare


@needs_shared_data
def test_labels_given_to_the_predictions_interface_are_named_in_python_s_words_too():
    # The message said the format's description as the file's and "or omit --source" to a Python user.
    labels = SHARED_DATA / "deeplabcut/tests/data/trimouse_calib.h5"
    with pytest.raises(InvalidSourceFileError) as raised:
        poseconv.DeepLabCutPoseInterface(file_path=labels)
    message = str(raised.value)
    assert f"{labels}: holds DeepLabCut labels; read as DeepLabCut, what only DeepLabCut labels keeps" in message
    assert message.endswith(
        "Convert it with DeepLabCutTrainingDataInterface (from the command line: --source dlc-labels, or no --source, "
        "which finds it)."
    )
