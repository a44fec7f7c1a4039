# %% [markdown]
# # Sequence to sequence: an encoder–decoder that learns to add
#
# *Recipe `seq2seq_addition`, from section 2.3 of the rnn-deep-dive tutorial ("序列到序列(Sequence-to-Sequence)任务"),
# on the task of Keras' "addition RNN" example.*
#
# The rnn-deep-dive tutorial names the idea and gives no code: an *encoder* turns the input sequence into a hidden
# state of fixed size, and a *decoder* writes the output sequence from that state. Here the input is
# a question such as `535+61`, read one character at a time, and the output is its answer `596`,
# written one character at a time. Input and output have different lengths, and every answer digit
# depends on characters far apart in the question (the carry), so the encoder's final state has to
# hold both numbers, digit by digit.
#
# - **Encoder**: an LSTM reads the question (backwards by default, a trick of Sutskever et al.,
#   2014) and hands its final state `[h, c]` to the decoder. That state is all the decoder ever
#   learns about the question.
# - **Decoder**: an LSTM that starts from the encoder's state and predicts one character per step.
# - **Teacher forcing** in training: the decoder reads the *true* answer shifted right by one (`^596`)
#   and learns to write the answer followed by an end token (`596$`).
# - **Inference** is a separate loop: there is no true answer to read, so the decoder reads its own
#   previous character, one step at a time, until it writes `$` or reaches the longest possible answer.
#
# The sums are synthetic. No held-out question (nor its mirror image, `61+535`) is ever seen in
# training, so a right answer is arithmetic, not memory. Full mode (3-digit sums, 50,000 training
# pairs) trains for about 200 s on a 2-core CPU (`benchmarks/README.md`), about 4 minutes for the
# whole notebook; `QUICK = True` (2-digit sums) takes about half a minute.

# %% tags=["parameters"]
QUICK = False  # True: the recipe's seconds-long config (the tests run every notebook this way)
EPOCHS = None  # None: the config's own number of epochs (early stopping usually ends sooner)
OUTPUT = None  # run folder for the trained model; None: runs/seq2seq_addition/<timestamp>

# %% [markdown]
# ## The configuration
#
# `Config()` is Keras' example as an encoder–decoder: operands of up to 3 digits, 50,000 distinct
# training pairs, LSTMs of 128 units, batch 128, up to 30 epochs with early stopping.
# `Config.quick()` adds 2-digit numbers with a smaller model.

# %%
# %matplotlib inline
import numpy as np

from rnn_cookbook.core import plots
from rnn_cookbook.recipes import seq2seq_addition as recipe
from rnn_cookbook.seq2seq import addition

cfg = recipe.Config.quick() if QUICK else recipe.Config()
if EPOCHS is not None:
    cfg = cfg.replace(epochs=EPOCHS)
cfg.to_dict()

# %% [markdown]
# ## The data
#
# `load_data` draws distinct pairs of numbers with the config's seed (a+b and b+a count as one
# pair), shuffles them and cuts them into test, validation and training pairs. Each operand first
# gets a length of 1 to `digits` digits, then that many random digits, so short numbers are as
# common as long ones.

# %%
data = recipe.load_data(cfg)
for note in data.notes():
    print("note:", note)
questions, answers = addition.questions_of(data.train[:6]), addition.answers_of(data.train[:6])
for question, answer in zip(questions, answers, strict=True):
    print(f"{question:>{data.question_length}} = {answer}")

# %% [markdown]
# What the model actually reads and writes are character ids. `arrays` gives three of them per
# pair: the question, padded on the right (padding is id 0, masked, so it never moves the encoder's
# state); the decoder's input, the start token `^` then the answer; and the decoder's target, the
# answer then the end token `$`. Decoded back to text (padding shown as `·`), the target is the
# input shifted one step left: at each step the decoder reads one character of the true answer and
# must write the next one. That is teacher forcing.

# %%
inputs, targets = data.arrays("train")
print(addition.VOCABULARY.tokens, "(id 0 is padding)\n")


def shown(ids):
    """Character ids as text, padding made visible."""
    return addition.VOCABULARY.decode(ids).replace(addition.PAD, "·")


print(f"{'question':<12}{'decoder reads':<16}{'decoder writes':<16}")
for row in range(6):
    print(f"{shown(inputs['question'][row]):<12}{shown(inputs['answer_in'][row]):<16}{shown(targets[row]):<16}")

print(f"\nstep by step, for {questions[0]} = {answers[0]}:")
for step, (read, write) in enumerate(zip(inputs["answer_in"][0], targets[0], strict=True), start=1):
    if read == addition.PAD_ID:
        break
    print(f"  step {step}: reads {shown([read])!r}, should write {shown([write])!r}")

# %% [markdown]
# ## The model
#
# `build_model` wires the two halves together: the encoder's `Embedding` → `LSTM(return_state=True)`
# gives `[h, c]`, which becomes the `initial_state` of the decoder's LSTM; a Dense softmax over the
# 14 characters follows at every decoder step. The model has two inputs, the question and the
# shifted answer, and is trained with one cross-entropy term per answer character.

# %%
model = recipe.build_model(cfg)
model.summary()

# %% [markdown]
# ## Training
#
# `train` builds the same model afresh and fits it with the shared callback presets (early stopping
# on the teacher-forced validation loss, best weights restored), then answers the held-out test
# questions with the step-by-step decoder, beside the baselines, and saves everything into a run
# folder. In full mode it also prints greedy answers to five validation questions every 5 epochs, as
# Keras' example does.

# %%
result = recipe.train(cfg, output=OUTPUT, verbose=2)
print(f"{result.metrics['epochs_run']} epochs in {result.metrics['wall_time_s']:.1f} s; run folder: {result.run.path}")
plots.loss_curves(result.history, title="seq2seq_addition: cross-entropy per answer character (teacher-forced)")

# %% [markdown]
# ## Evaluation beside the baselines
#
# All scores are on the held-out test questions, answered by the step-by-step decoder (no teacher
# forcing), except `loss`, the teacher-forced cross-entropy per character. `exact_match` is the share
# of answers that are right as a whole; `char_accuracy` the share of answer characters (and the end
# token) right at their position. The three baselines learn nothing about carrying:
# *most_frequent_answer* always gives the most common training sum, *copy_first_operand* repeats the
# first number, and *no_carry* adds digit by digit and drops every carry, so its exact match is the
# share of sums that need no carry. The gap to *no_carry* is what the model learned about carrying.
# In full mode the model answers about 0.999 of the 5,000 held-out 3-digit sums exactly; quick mode
# trains for seconds on 3,000 two-digit sums and stays well below that.

# %%
print(result.summary())

# %% [markdown]
# ## Step-by-step inference, opened up
#
# At inference the decoder cannot read the true answer: it reads its own last character. The
# recipe's `GreedyDecoder` builds two models from the trained layers: `encoder` (question → `[h, c]`)
# and `step` (one character and a state → next-character probabilities and the new state). Here is
# that loop run by hand for one held-out question, printing what the decoder writes at each step;
# it stops at `$`, or after `digits + 1` characters, the longest possible answer.

# %%
decoder = addition.GreedyDecoder(result.model)
question = addition.questions_of(data.test[:1])[0]
state = decoder.encoder.predict(addition.encode_questions([question], decoder.question_length), verbose=0)
token = np.array([[addition.START_ID]], dtype="int32")
print(f"question {question!r} (true answer {addition.answers_of(data.test[:1])[0]})")
for step in range(1, decoder.max_answer_length + 1):
    probabilities, *state = decoder.step.predict([token, *state], verbose=0)
    probabilities = probabilities[0, 0]
    best = int(probabilities.argmax())
    print(f"  step {step}: reads {shown(token[0])!r}, writes {shown([best])!r} (probability {probabilities[best]:.3f})")
    if best == addition.END_ID:
        break
    token = np.array([[best]], dtype="int32")

# %% [markdown]
# ## Decoded sums
#
# `recipe.answer(model, questions)` runs that loop for many questions at once, compiled, and stops
# as soon as every answer has its end token. First some held-out test questions, then a few of
# your own: edit `MY_QUESTIONS` (numbers of at most `cfg.digits` digits; anything else is an error
# that says why).

# %%
test_questions = addition.questions_of(data.test[:12])
test_answers = addition.answers_of(data.test[:12])
for question, right, got in zip(test_questions, test_answers, recipe.answer(result.model, test_questions), strict=True):
    print(f"{question:>{data.question_length}} = {got:<{data.max_answer_length}}  {'ok' if got == right else 'wrong, it is ' + right}")

# %%
MY_QUESTIONS = ["12+34", "99+1", "9+9", "0+0", "45+55"]
if cfg.digits >= 3:
    MY_QUESTIONS += ["535+61", "999+999", "100+900"]
for question, got in zip(MY_QUESTIONS, recipe.answer(result.model, MY_QUESTIONS), strict=True):
    a, b = question.split("+")
    true_sum = str(int(a) + int(b))
    verdict = "ok" if got == true_sum else f"wrong, it is {true_sum}"
    print(f"{question:>{data.question_length}} = {got:<{data.max_answer_length}}  {verdict}")

# %% [markdown]
# ## Exact match against per-character accuracy
#
# A sum with one wrong digit is wrong, so exact match is the figure that matters; per-character
# accuracy is kinder. `answer_scores` compares each answer with its end token appended, position
# by position: "59" for "596" gets 2 of 4 positions right, "586" gets 3 of 4, and both score 0 for
# exact match.

# %%
print(addition.answer_scores(["59"], ["596"]), addition.answer_scores(["586"], ["596"]))
expected = addition.answers_of(data.test)
predicted = recipe.answer(result.model, addition.questions_of(data.test))
scores = addition.answer_scores(predicted, expected)
print(f"model on {len(expected)} test questions: exact match {scores['exact_match']:.4f}, "
      f"per character {scores['char_accuracy']:.4f}")

# %% [markdown]
# Where the remaining mistakes are: the questions answered wrongly, then the share of test
# questions answered exactly, by how many carries the sum needs. *no_carry* is right on every sum
# without a carry and wrong on every other, by construction; the model has to learn the carries
# from examples alone. In full mode the few mistakes left are on long carry chains, as
# `benchmarks/README.md` also reports.

# %%
def carries(a, b):
    """How many carries adding a and b by hand takes."""
    count = carry = 0
    while a or b:
        carry = (a % 10 + b % 10 + carry) // 10
        count += carry
        a, b = a // 10, b // 10
    return count


needed = np.array([carries(a, b) for a, b in data.test.tolist()])
right = np.array(predicted) == np.array(expected)
wrong = np.flatnonzero(~right)
print(f"{len(wrong)} of {len(expected)} test questions answered wrongly" + (", for example:" if len(wrong) else "."))
for i in wrong[:10]:
    print(f"  {addition.questions_of(data.test[i:i + 1])[0]:>{data.question_length}} = {predicted[i]:<{data.max_answer_length}}"
          f"  (it is {expected[i]}; carries needed: {needed[i]})")
no_carry = np.array(addition.baseline_answers(data.train, data.test)["no_carry"]) == np.array(expected)
levels = np.arange(needed.max() + 1)
figure, (axis,) = plots.new_figure(7.0, 4.0)
model_bars = axis.bar(levels - 0.2, [right[needed == k].mean() for k in levels], width=0.4, label="model")
axis.bar(levels + 0.2, [no_carry[needed == k].mean() for k in levels], width=0.4, label="no_carry baseline")
axis.bar_label(model_bars, fmt="%.3f", fontsize=8)
axis.set_xticks(levels, labels=[f"{k}\n({np.sum(needed == k)} questions)" for k in levels])
axis.set_yticks(np.linspace(0, 1, 6))
axis.set(title="Exact match on held-out sums, by the number of carries they need",
         xlabel="carries in the sum", ylabel="share answered exactly", ylim=(0, 1.25))
axis.legend(loc="upper center", ncols=2)
figure

# %% [markdown]
# ## Where to go next
#
# - Read the question forwards and watch learning slow down: `cfg.replace(reverse_input=False)`, or
#   `rnn-cookbook run seq2seq_addition --set reverse_input=false` (validation loss 0.213 after 5
#   epochs instead of 0.042, in the recipe's docstring).
# - Longer numbers: `cfg.replace(digits=4)`; the encoder's fixed-size state has more to hold.
# - Reload the trained model later: `rnn_cookbook.core.runs.RunFolder.open(result.run.path).load_model()`,
#   then `recipe.answer(model, ["535+61"])`.
