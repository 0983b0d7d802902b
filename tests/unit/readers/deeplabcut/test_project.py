"""The DeepLabCut project around a table: config files, skeleton edges, video lookup."""

from __future__ import annotations

import pytest

from poseconv.errors import InvalidSourceFileError, PoseconvWarning
from poseconv.model import Skeleton
from poseconv.readers.deeplabcut.project import (
    find_video,
    load_yaml_config,
    project_edges,
    project_skeletons,
    video_set_crop,
)


def test_find_video_prefers_the_recorded_path_then_the_folders(tmp_path):
    recorded = tmp_path / "elsewhere" / "vid1.avi"
    recorded.parent.mkdir()
    recorded.write_bytes(b"")
    local = tmp_path / "videos" / "vid1.MP4"
    local.parent.mkdir()
    local.write_bytes(b"")
    config = {"video_sets": {str(recorded): {}, "C:\\\\lab\\\\vid2.avi": {}}}
    found = find_video("vid1", config, [local.parent])
    assert (found.key, found.original_path, found.path) == ("vid1", str(recorded), recorded)
    # A path recorded on another machine is kept as text; the local copy is linked.
    found = find_video("vid2", config, [local.parent])
    assert found.original_path == "C:\\\\lab\\\\vid2.avi" and found.path is None
    assert find_video("vid1", None, [local.parent]).path == local.resolve()
    assert find_video("", None, []).key == "video"
    # Every container DeepLabCut analyses (its SUPPORTED_VIDEOS) is looked for, .flv too.
    (local.parent / "vid3.flv").write_bytes(b"")
    assert find_video("vid3", None, [local.parent]).path == (local.parent / "vid3.flv").resolve()


def test_yaml_config_must_be_a_mapping(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("- a\n- b\n")
    with pytest.raises(InvalidSourceFileError, match="a LightningPose config holds a mapping; found list"):
        load_yaml_config(config, "LightningPose config")
    config.write_text("key: [unclosed\n")
    with pytest.raises(InvalidSourceFileError, match="cannot be read as a DeepLabCut config.yaml"):
        load_yaml_config(config, "DeepLabCut config.yaml")


def test_project_edges_check_the_bodyparts(tmp_path):
    config = {"bodyparts": ["nose", "tail"], "skeleton": [["nose", "tail"], ["nose", "ear"]]}
    edges = project_edges(config, tmp_path, ["tail", "nose"], [], source="f.h5", described="d", advice="a")
    assert edges == ([(1, 0)], [])
    with pytest.raises(InvalidSourceFileError, match=r"bodyparts \['nose', 'tail'\] do not match the parts. Do so."):
        project_edges(config, tmp_path, ["nose", "paw"], [], source="f.h5", described="the parts", advice="Do so.")
    # A config that grew after the table was made (bodyparts added, the network trained again): its edges
    # between the table's bodyparts, with a warning; before, the conversion was refused.
    config = {"bodyparts": ["nose", "ear", "tail"], "skeleton": [["nose", "tail"], ["nose", "ear"]]}
    with pytest.warns(PoseconvWarning, match=r"bodyparts \['ear'\] are not in f.h5 \(added to the project after"):
        assert project_edges(config, tmp_path, ["tail", "nose"], [], source="f.h5", described="d", advice="a") == (
            [(1, 0)],
            [],
        )
    config = {"multianimalproject": True, "multianimalbodyparts": ["nose"], "uniquebodyparts": ["a", "b"]}
    with pytest.warns(PoseconvWarning, match=r"bodyparts \['b'\] are not in f.h5"):
        assert project_edges(config, tmp_path, ["nose"], ["a"], source="f.h5", described="d", advice="a") == ([], [])
    with pytest.raises(InvalidSourceFileError, match=r"uniquebodyparts \['a', 'b'\] do not match those in f.h5"):
        project_edges(config, tmp_path, ["nose"], ["c"], source="f.h5", described="d", advice="a")


def test_project_skeletons_are_the_animals_and_the_unique_bodyparts(tmp_path):
    config = {
        "multianimalbodyparts": ["nose", "tail"],
        "uniquebodyparts": ["corner1", "corner2"],
        "skeleton": [["nose", "tail"], ["corner1", "corner2"]],
    }
    parts = dict(source="f.h5", described="d", advice="a")
    assert project_skeletons(["nose", "tail"], ["corner1", "corner2"], config, tmp_path, **parts) == [
        Skeleton(name="Skeleton", nodes=("nose", "tail"), edges=((0, 1),)),
        Skeleton(name="SkeletonUniqueBodyparts", nodes=("corner1", "corner2"), edges=((0, 1),)),
    ]
    # Without a config there are no edges; without unique bodyparts no second skeleton.
    assert project_skeletons(["nose"], [], None, None, **parts) == [Skeleton(name="Skeleton", nodes=("nose",))]
    assert project_skeletons([], [], None, None, **parts) == []


def test_an_edge_from_an_animal_to_a_unique_bodypart_is_said_not_dropped_silently(tmp_path):
    # DeepLabCut's config takes any pair of bodyparts as an edge (skeleton: [[head, food]], food unique); ndx-pose
    # keeps a skeleton per PoseEstimation, the animals' and the unique bodyparts' apart, so neither holds it.
    # Before, it vanished without a word.
    import numpy as np
    import pandas as pd
    import yaml

    from poseconv.metadata.defaults import default_pose_metadata
    from poseconv.readers.deeplabcut import read_deeplabcut

    config = {
        "multianimalproject": True,
        "individuals": ["m1", "m2"],
        "multianimalbodyparts": ["head", "neck"],
        "uniquebodyparts": ["food"],
        "skeleton": [["head", "neck"], ["food", "head"]],
    }
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    scorer = "DLC_Resnet50_maJan1shuffle1_snapshot_best-100"
    columns = [(scorer, i, b, c) for i in ("m1", "m2") for b in ("head", "neck") for c in ("x", "y", "likelihood")]
    columns += [(scorer, "single", "food", c) for c in ("x", "y", "likelihood")]
    index = pd.MultiIndex.from_tuples(columns, names=["scorer", "individuals", "bodyparts", "coords"])
    path = tmp_path / f"v{scorer}_el.h5"
    pd.DataFrame(np.ones((4, len(columns))), columns=index).to_hdf(path, key="tracks", format="table")
    with pytest.warns(PoseconvWarning, match=r"skeleton edges \[\['food', 'head'\]\] join an animal's bodypart to a"):
        pose = read_deeplabcut(path)
    assert [skeleton.edges for skeleton in pose.skeletons.values()] == [((0, 1),), ()]
    containers = default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()
    assert len(containers) == 3
    for container in containers:
        assert "joins animal and unique bodyparts by the edges [['food', 'head']]" in container["description"]
    # Without such an edge, nothing is said.
    config["skeleton"] = [["head", "neck"]]
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    pose = read_deeplabcut(path)
    assert all("edges" not in c["description"] for c in default_pose_metadata(pose)["Pose"]["PoseEstimations"].values())


def test_find_video_beside_the_poses_wins_over_a_recorded_video_of_that_name_elsewhere(tmp_path):
    recorded = tmp_path / "day1" / "cam.mp4"
    beside = tmp_path / "day2" / "cam.mp4"
    for video in (recorded, beside):
        video.parent.mkdir()
        video.write_bytes(video.parent.name.encode())
    config = {"video_sets": {str(recorded): {}}}
    with pytest.warns(PoseconvWarning, match=r"p.h5: linked .*day2.cam.mp4, the video of that name beside it"):
        found = find_video("cam", config, [], beside=[beside.parent], source="p.h5")
    assert (found.path, found.original_path) == (beside.resolve(), None)
    # Recorded on another machine, the entry may be this very video: kept as its recorded path, as before.
    found = find_video("cam", {"video_sets": {"C:\\lab\\cam.mp4": {}}}, [], beside=[beside.parent])
    assert (found.path, found.original_path) == (beside.resolve(), "C:\\lab\\cam.mp4")
    # Labels (nothing beside) keep the recorded video.
    assert find_video("cam", config, [beside.parent]).path == recorded


def test_video_set_crop_of_several_videos_of_one_name_is_none_when_they_differ(tmp_path):
    config = {"video_sets": {"/a/day1/cam.mp4": {"crop": "10, 110, 20, 220"}}}
    assert video_set_crop(config, "cam") == (10, 110, 20, 220)
    config["video_sets"]["/a/day2/cam.mp4"] = {"crop": "10, 110, 20, 220"}
    assert video_set_crop(config, "cam") == (10, 110, 20, 220)
    config["video_sets"]["/a/day2/cam.mp4"] = {"crop": "0, 640, 0, 480"}
    with pytest.warns(PoseconvWarning, match=r"several videos named 'cam' with different crops .* none is applied"):
        assert video_set_crop(config, "cam") is None


def test_numeric_bodyparts_of_a_config_are_its_tables_names(tmp_path):
    # YAML reads `bodyparts: [1, 2, 3]` as numbers and DeepLabCut builds its tables' columns from them, which are
    # read as text: the config is the project's own. Before, it was refused as another project's, without edges.
    config = {"bodyparts": [1, 2, 3], "skeleton": [[1, 2], [2, 3]]}
    edges = project_edges(config, tmp_path, ["1", "2", "3"], [], source="f.h5", described="d", advice="a")
    assert edges == ([(0, 1), (1, 2)], [])
    config = {
        "multianimalproject": True,
        "multianimalbodyparts": [1, 2],
        "uniquebodyparts": [10],
        "skeleton": [[1, 2], [2, 10]],
    }
    with pytest.warns(PoseconvWarning, match=r"skeleton edges \[\['2', '10'\]\] join an animal's bodypart"):
        edges = project_edges(config, tmp_path, ["1", "2"], ["10"], source="f.h5", described="d", advice="a")
    assert edges == ([(0, 1)], [])


def test_numeric_bodyparts_of_predictions_and_labels_get_the_configs_edges(tmp_path):
    import numpy as np
    import pandas as pd
    import yaml

    from poseconv.readers.deeplabcut import read_deeplabcut
    from poseconv.readers.deeplabcut.labels import read_deeplabcut_labels

    config = {"Task": "t", "scorer": "me", "bodyparts": [1, 2, 3], "skeleton": [[1, 2], [2, 3]], "video_sets": {}}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    scorer = "DLC_resnet50_tJan1shuffle1_100"
    columns = pd.MultiIndex.from_product(
        [[scorer], [1, 2, 3], ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    predictions = tmp_path / "videos" / f"v{scorer}.h5"
    predictions.parent.mkdir()
    pd.DataFrame(np.ones((4, 9)), columns=columns).to_hdf(predictions, key="df_with_missing", format="table")
    assert [s.edges for s in read_deeplabcut(predictions).skeletons.values()] == [((0, 1), (1, 2))]
    folder = tmp_path / "labeled-data" / "v"
    folder.mkdir(parents=True)
    columns = pd.MultiIndex.from_product([["me"], [1, 2, 3], ["x", "y"]], names=["scorer", "bodyparts", "coords"])
    index = pd.MultiIndex.from_tuples([("labeled-data", "v", "img000.png")])
    pd.DataFrame(np.ones((1, 6)), columns=columns, index=index).to_hdf(folder / "CollectedData_me.h5", key="keypoints")
    labels = read_deeplabcut_labels(folder / "CollectedData_me.h5", find_side_files=True)
    assert [s.edges for s in labels.skeletons.values()] == [((0, 1), (1, 2))]


def test_self_loops_and_repeated_edges_of_a_config_are_left_out_with_a_warning(tmp_path):
    # DeepLabCut draws such edges; the metadata check refused them, stopping the conversion with an error about
    # metadata['Pose']['Skeletons'] the user never wrote.
    import warnings

    skeleton = [["nose", "ear"], ["ear", "tail"], ["nose", "ear"], ["tail", "tail"], ["ear", "nose"]]
    config = {"bodyparts": ["nose", "ear", "tail"], "skeleton": skeleton}
    said = (
        r"config.yaml: skeleton edges \[\['tail', 'tail'\]\] join a bodypart to itself and \[\['nose', 'ear'\]\] repeat"
    )
    with pytest.warns(PoseconvWarning, match=said) as caught:
        edges = project_edges(
            config, tmp_path / "config.yaml", ["nose", "ear", "tail"], [], source="f.h5", described="d", advice="a"
        )
    assert len(caught) == 1
    # A reversed pair is another edge of a directed skeleton (SLEAP's), which the check accepts.
    assert edges == ([(0, 1), (1, 2), (1, 0)], [])
    # An edge naming a bodypart neither the file nor the config has (a typo): one line; none for a bodypart the
    # config lists, which the warning of bodyparts added to the project already names.
    config = {"bodyparts": ["nose", "ear", "tail", "paw"], "skeleton": [["nose", "eer"], ["nose", "paw"]]}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        edges = project_edges(config, tmp_path, ["nose", "ear", "tail"], [], source="f.h5", described="d", advice="a")
    assert edges == ([], [])
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2 and "bodyparts ['paw'] are not in f.h5" in messages[0]
    assert "edges [['nose', 'eer']] name bodyparts ['eer'] that neither f.h5 nor the config's bodyparts" in messages[1]
