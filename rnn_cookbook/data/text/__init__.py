"""Text for the text recipes, one module per job:

- `reading`: bytes off disk to text: any common encoding (detected or given, and said in a note),
  folders, delimited files, `.tar.gz` archives read without unpacking, unlabelled text;
- `labelled`: labelled texts by the shape of their files (`load_texts`): tables, class folders,
  one file per class, `LABEL text` lines (TREC, fastText), aclImdb, the seed's toy sentences;
- `keras_imdb`: Keras' integer-coded IMDB, downloaded once and checked;
- `vocabulary`: words and characters to ids and back (`Vocabulary`, `CharVocabulary`), padding;
- `corpora`: one long text for the generators (`load_corpus`, `load_char_text`).

The language model that reads these texts is `rnn_cookbook.language_model`; the classifier that
labels them is `rnn_cookbook.text_classifier`.
"""

from rnn_cookbook.data.text.labelled import LabelledTexts, load_texts
from rnn_cookbook.data.text.vocabulary import VOCABULARY_FILE, CharVocabulary, Vocabulary

__all__ = ["VOCABULARY_FILE", "CharVocabulary", "LabelledTexts", "Vocabulary", "load_texts"]
