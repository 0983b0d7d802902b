"""Words the default descriptions share (metadata/wording.py): a crop is read back from its sentence."""

from __future__ import annotations

from poseconv.metadata.wording import crop_of_description, crop_sentence


def test_the_crop_a_description_names_is_read_back():
    # The NWB reader of training labels takes the crop back from the training video's description.
    for software in ("DeepLabCut", "SLEAP"):
        sentence = crop_sentence([100, 50, 500, 400], what="labels", software=software)
        assert crop_of_description(f"Behavior video 'cam'. {sentence}") == [100, 50, 500, 400]
    assert crop_of_description("Behavior video 'cam', from which the training frames were taken.") is None
