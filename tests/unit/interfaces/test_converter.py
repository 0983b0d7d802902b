"""PoseNWBConverter: what it refuses before anything is read."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest
from pynwb import NWBHDF5IO

from poseconv import DeepLabCutPoseInterface, PoseNWBConverter, SLEAPPoseInterface
from poseconv.errors import InvalidOptionError, MetadataError
from poseconv.interfaces import PoseConverterPipe
from poseconv.nwb.read.pose import read_nwb
from tests.fixtures.deeplabcut import SINGLE_ANIMAL_H5
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.sleap import SLEAP_REPO, SLP_DANCE


def test_source_data_naming_no_interface_is_refused_not_passed_over(tmp_path):
    """neuroconv passes over source_data keys it has no interface for: the file would lack those inputs."""

    class Converter(PoseNWBConverter):
        data_interface_classes = {"SLEAP": SLEAPPoseInterface}

    with pytest.raises(InvalidOptionError, match=r"source_data names \['Sleap'\].*are \['SLEAP'\]"):
        Converter(source_data={"Sleap": {"file_path": str(tmp_path / "a.slp")}})
    with pytest.raises(InvalidOptionError, match="PoseConverterPipe"):
        PoseNWBConverter(source_data={"A": {"file_path": str(tmp_path / "a.slp")}})
    # Naming a subset of the interfaces is what neuroconv allows: nothing is refused (and nothing read).
    assert Converter(source_data={}).data_interface_objects == {}


def test_the_metadata_of_two_inputs_whose_skeletons_share_a_name_converts_back(tmp_path):
    """SLEAP names most skeletons 'Skeleton-0': get_metadata() given back to run_conversion must not merge them."""
    inputs = {
        "A": SLEAPPoseInterface(file_path=SLP_DANCE, sampling_frequency=30.0),
        "B": SLEAPPoseInterface(
            file_path=SLEAP_REPO / "tests/data/slp_hdf5/minimal_instance.slp",
            sampling_frequency=30.0,
            untracked="by_order",
        ),
    }
    converter = PoseConverterPipe(inputs)
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    # The merged entry neuroconv shows (nodes of both) is valid metadata, and handed back it imposes
    # nothing: each input keeps its own skeleton.
    converter.validate_metadata(metadata)
    converter.run_conversion(nwbfile_path=tmp_path / "two.nwb", metadata=metadata)
    skeletons = {name: s.nodes for pose in read_nwb(tmp_path / "two.nwb") for name, s in pose.skeletons.items()}
    assert skeletons == {
        "Skeleton-0": inputs["A"].pose.skeletons["Skeleton-0"].nodes,
        "Skeleton-0_B": ("A", "B"),
    }


def test_a_conversion_leaves_no_values_read_in_its_interfaces(tmp_path):
    """The written objects wait for the cyclic garbage collector: the values they read must not wait with them."""
    interface = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5)
    tables = {id(track.positions.table): track.positions.table for track in interface.pose.tracks}
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, tzinfo=UTC)
    PoseConverterPipe({"pose": interface}).run_conversion(nwbfile_path=tmp_path / "a.nwb", metadata=metadata)
    assert tables and all(table.blocks_read > 0 for table in tables.values())
    assert not any(table._cache or table._heads for table in tables.values())
    # Read again on demand: the same values as the file holds (float32 there, exactly).
    written = read_nwb(tmp_path / "a.nwb")[0].tracks[0].positions[:]
    assert np.asarray(written, dtype="float64").tobytes() == interface.pose.tracks[0].positions[:].tobytes()


def test_get_metadata_of_two_single_animal_inputs_is_valid_and_converts_back(tmp_path):
    # A DeepLabCut and a Lightning Pose file share the keys PoseEstimation and Skeleton. Before, the merged
    # entry get_metadata() shows failed its own schema (no nodes) and, handed back, gave both inputs the
    # name 'PoseEstimation' (an error), so a form's metadata could not be converted.
    import jsonschema

    from poseconv import LightningPosePoseInterface
    from tests.fixtures.lightningpose import LP_CSV

    inputs = {
        "DLC": DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5),
        "LP": LightningPosePoseInterface(file_path=LP_CSV),
    }
    converter = PoseConverterPipe(inputs)
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    schema = converter.get_metadata_schema()
    jsonschema.validate(json.loads(json.dumps(metadata, default=str)), schema)
    # What the user changed in a shared entry applies to each input: the description to both, a series
    # to the input that has that node.
    entry = metadata["Pose"]["PoseEstimations"]["PoseEstimation"]
    entry["description"] = "Both cameras."
    entry["PoseEstimationSeries"]["snout"]["description"] = "The snout."
    converter.run_conversion(nwbfile_path=tmp_path / "two.nwb", metadata=metadata, conversion_options=None)
    with NWBHDF5IO(str(tmp_path / "two.nwb"), "r") as io:
        behavior = io.read().processing["behavior"]
        dlc, lp = behavior["PoseEstimation_m3v1mp4"], behavior["PoseEstimation_test_vid"]
        assert dlc.description == lp.description == "Both cameras."
        assert dlc.pose_estimation_series["snout"].description == "The snout."
        assert lp.source_software == "LightningPose" and dlc.source_software == "DeepLabCut"
        assert list(lp.skeleton.nodes[:]) == list(inputs["LP"].pose.skeletons["Skeleton"].nodes)


def test_neuroconv_interfaces_beside_poseconv_ones_in_one_converter(tmp_path):
    # neuroconv's own pose interface has keyed Pose entries too: before, PoseNWBConverter called them
    # unknown ("matches no PoseEstimation of the inputs"). An interface without source_data (a mock)
    # made any metadata problem an AttributeError.
    from neuroconv.tools.testing.mock_interfaces import MockBehaviorEventInterface, MockPoseEstimationInterface

    from poseconv.errors import MetadataError

    class Converter(PoseNWBConverter):
        data_interface_classes = dict(
            Mock=MockPoseEstimationInterface, Events=MockBehaviorEventInterface, DLC=DeepLabCutPoseInterface
        )

    converter = Converter(dict(Mock=dict(num_samples=50), Events={}, DLC=dict(file_path=str(SINGLE_ANIMAL_H5))))
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    converter.run_conversion(nwbfile_path=tmp_path / "both.nwb", metadata=metadata, conversion_options=None)
    with NWBHDF5IO(str(tmp_path / "both.nwb"), "r") as io:
        names = set(io.read().processing["behavior"].data_interfaces)
    assert {"MockPoseEstimation", "PoseEstimation"} <= names
    metadata["Pose"]["PoseEstimations"]["PoseEstimation"]["name"] = "bad/name"
    with pytest.raises(MetadataError, match="PoseEstimation"):
        converter.validate_metadata(metadata)


def test_an_interface_s_metadata_takes_deep_updates_at_every_level():
    # neuroconv's DeepDict.deep_update stores plain dicts; a second edit of a nested block then failed
    # with an AttributeError on the interface's metadata (not on the converter's).
    interface = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5)
    metadata = interface.get_metadata()
    metadata.deep_update({"Pose": {"PoseEstimations": {"PoseEstimation": {"name": "PoseEstimationFront"}}}})
    assert metadata["Pose"]["PoseEstimations"]["PoseEstimation"]["name"] == "PoseEstimationFront"
    assert metadata["Pose"]["PoseEstimations"]["PoseEstimation"]["PoseEstimationSeries"]


def test_a_session_of_several_inputs_is_described_by_all_of_them():
    # Before, the last input's description ("Training data for pose estimation ...") described a file
    # that also holds the predictions.
    from poseconv.interfaces.training import DeepLabCutTrainingDataInterface
    from tests.fixtures.training import TEST_ALEX_PROJECT

    inputs = {
        "Pose": DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5),
        "Labels": DeepLabCutTrainingDataInterface(labeled_data_path=TEST_ALEX_PROJECT),
    }
    converter = PoseConverterPipe(inputs)
    description = converter.get_metadata()["NWBFile"]["session_description"]
    assert description.startswith("Pose estimation with DeepLabCut") and "Training data" in description
    given = {"NWBFile": {"session_description": "Reaching, day 1."}}
    assert converter.compose_metadata(given).shared["NWBFile"]["session_description"] == "Reaching, day 1."


@needs_shared_data
@pytest.mark.parametrize("append", [False, True], ids=["write", "append"])
def test_times_given_in_neuroconv_s_alignment_hook_reach_an_input_without_a_rate(tmp_path, append):
    # neuroconv's documented alignment: override temporally_align_data_interfaces and give the pose interface its
    # camera TTLs there. A CSV without rate, video or _meta.pickle was refused before run_conversion reached the hook.
    from tests.fixtures.deeplabcut import SINGLE_ANIMAL_CSV

    ttl = 3.0 + np.arange(100) / 29.97 + np.random.default_rng(0).random(100) * 1e-4  # on the ephys clock

    class Aligned(PoseNWBConverter):
        data_interface_classes = dict(Pose=DeepLabCutPoseInterface)

        def temporally_align_data_interfaces(self, metadata=None, conversion_options=None):
            self.data_interface_objects["Pose"].set_aligned_timestamps(ttl)

    path = tmp_path / "aligned.nwb"
    start = datetime(2024, 5, 1, 10, tzinfo=UTC)
    if append:
        from pynwb.testing.mock.file import mock_NWBFile

        with NWBHDF5IO(path, "w") as io:
            io.write(mock_NWBFile(session_start_time=start))
    converter = Aligned(source_data=dict(Pose=dict(file_path=SINGLE_ANIMAL_CSV)))
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = start
    converter.run_conversion(nwbfile_path=path, metadata=metadata, overwrite=not append, append_on_disk_nwbfile=append)
    with NWBHDF5IO(path, "r") as io:
        series = list(io.read().processing["behavior"]["PoseEstimation"].pose_estimation_series.values())
        assert len(series) == 4  # bodyparts; the others link the first one's times
        np.testing.assert_array_equal(series[0].timestamps[:], ttl)


@needs_shared_data
def test_a_hook_that_gives_no_times_still_gets_the_message_naming_the_options(tmp_path):
    from poseconv.errors import MetadataError
    from tests.fixtures.deeplabcut import SINGLE_ANIMAL_CSV

    class Aligned(PoseNWBConverter):
        data_interface_classes = dict(Pose=DeepLabCutPoseInterface)

        def temporally_align_data_interfaces(self, metadata=None, conversion_options=None):
            pass

    converter = Aligned(source_data=dict(Pose=dict(file_path=SINGLE_ANIMAL_CSV)))
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, 10, tzinfo=UTC)
    with pytest.raises((MetadataError, InvalidOptionError), match="set_aligned_timestamps"):
        converter.run_conversion(nwbfile_path=tmp_path / "x.nwb", metadata=metadata)
    assert list(tmp_path.iterdir()) == []


def test_a_zarr_store_written_under_any_name_is_replaced_with_overwrite(tmp_path):
    # neuroconv lets a store take any name (its interface tests write "x.nwb" stores); the second write of one
    # was refused: "session.nwb: is a folder, not a file".
    from poseconv.output import OutputError

    interface = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    path = tmp_path / "session.nwb"
    interface.run_conversion(nwbfile_path=path, metadata=metadata, backend="zarr", stub_test=True)
    with pytest.raises(OutputError, match="already exists; pass overwrite=True"):
        interface.run_conversion(nwbfile_path=path, metadata=metadata, backend="zarr", stub_test=True)
    metadata["NWBFile"]["session_description"] = "Written again."
    interface.run_conversion(nwbfile_path=path, metadata=metadata, backend="zarr", overwrite=True, stub_test=True)
    from hdmf_zarr import NWBZarrIO

    with NWBZarrIO(str(path), "r") as io:
        assert io.read().session_description == "Written again."
    assert [p.name for p in tmp_path.iterdir()] == ["session.nwb"]


def test_a_backend_name_in_capitals_is_written_and_an_unknown_one_refused(tmp_path):
    # The CLI took --backend HDF5; run_conversion(backend="HDF5") ended in a bare KeyError: 'HDF5' in neuroconv.
    interface = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    interface.run_conversion(nwbfile_path=tmp_path / "a.nwb", metadata=metadata, backend="HDF5", stub_test=True)
    with NWBHDF5IO(tmp_path / "a.nwb", "r") as io:
        assert io.read().session_start_time.year == 2024
    with pytest.raises(InvalidOptionError, match=r"backend='zip': give one of hdf5, zarr"):
        interface.run_conversion(nwbfile_path=tmp_path / "b.nwb", metadata=metadata, backend="zip", stub_test=True)
    assert [p.name for p in tmp_path.iterdir()] == ["a.nwb"]


@needs_shared_data
def test_a_python_dict_s_none_is_said_as_none_not_in_yaml_s_words():
    # validate_metadata (run_conversion's check) said a dict's None was "a key with nothing after it" (YAML).
    converter = PoseConverterPipe({"pose": DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5)})
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    metadata["NWBFile"]["keywords"] = None
    with pytest.raises(MetadataError) as raised:
        converter.validate_metadata(metadata)
    assert "metadata['NWBFile']['keywords']: is None; give a list, or [] for none" in str(raised.value)
    assert "a key with nothing" not in str(raised.value) and "'- ' line" not in str(raised.value)


def test_the_default_backend_configuration_is_asked_of_the_class_as_of_neuroconv_s(tmp_path):
    """neuroconv's NWBConverter.get_default_backend_configuration is static: the same call works on ours."""
    from neuroconv import NWBConverter
    from neuroconv.tools.nwb_helpers import configure_backend

    interface = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, tzinfo=UTC)
    nwbfile = PoseConverterPipe({"pose": interface}).create_nwbfile(metadata=metadata)
    ours = PoseNWBConverter.get_default_backend_configuration(nwbfile=nwbfile, backend="hdf5")
    theirs = NWBConverter.get_default_backend_configuration(nwbfile=nwbfile, backend="hdf5")
    # The same datasets neuroconv configures, with the same chunks; called on an instance, the same again.
    assert ours.dataset_configurations.keys() >= theirs.dataset_configurations.keys()
    assert PoseConverterPipe({"pose": interface}).get_default_backend_configuration(nwbfile).model_dump() == (
        ours.model_dump()
    )
    configure_backend(nwbfile=nwbfile, backend_configuration=ours)
    with NWBHDF5IO(tmp_path / "a.nwb", "w") as io:
        io.write(nwbfile)
    [pose] = read_nwb(tmp_path / "a.nwb")
    assert np.asarray(pose.tracks[0].positions[:]).shape == np.asarray(interface.pose.tracks[0].positions[:]).shape
