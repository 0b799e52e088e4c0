"""The Five Practices as data: each practice's two commitments and their prompts, in the
project's own words (their shapes: bot/practice_types.py). `bot.catalogue` reads them."""

from __future__ import annotations

from bot.practice_types import Commitment, Practice, prompt

PRACTICES: tuple[Practice, ...] = (
    Practice(
        key="model",
        name="Model the Way",
        emoji=":compass:",
        summary="Find your voice and let your actions match what you say.",
        aliases=("model-the-way", "model-way", "mtw", "lead-by-example"),
        tag_commitment="example",
        commitments=(
            Commitment(
                key="voice",
                name="Develop your voice",
                summary="Decide what you stand for and say it in a way that suits you.",
                prompts=(
                    prompt(
                        "model.voice.1",
                        "reflection",
                        "If your team heard only one message from you this month, what should it "
                        "be? Write it in a sentence or two.",
                    ),
                    prompt(
                        "model.voice.2",
                        "reflection",
                        "Which way of sharing your thinking feels most like you: a short post, a "
                        "longer write-up, a recorded update, a live chat? What will you share "
                        "that way this week?",
                    ),
                    prompt(
                        "model.voice.3",
                        "reflection",
                        "Whose way of communicating do you admire, inside or outside the company? "
                        "What would you borrow from them?",
                    ),
                ),
            ),
            Commitment(
                key="example",
                name="Lead by example",
                summary="Do first what you ask of others, in the open.",
                prompts=(
                    prompt(
                        "model.example.1",
                        "reflection",
                        "Think of something you asked of the team lately. Where did you do it "
                        "yourself this week, where everyone could see?",
                    ),
                    prompt(
                        "model.example.2",
                        "kudos",
                        "Who here acted on our values this week without being asked? Tell us "
                        "who and what they did.",
                        needs="values",
                        naming="Who here acted on *{value}* this week without being asked? "
                        "Tell us who and what they did.",
                    ),
                    prompt(
                        "model.example.3",
                        "reflection",
                        "What did you share with the whole team this week that usually stays "
                        "with a few people?",
                    ),
                ),
            ),
        ),
    ),
    Practice(
        key="vision",
        name="Inspire a Shared Vision",
        emoji=":telescope:",
        summary="Picture where we are going together, and bring everyone into it.",
        aliases=("inspire", "inspire-a-shared-vision", "shared-vision", "sharedvision"),
        tag_commitment="imagine",
        commitments=(
            Commitment(
                key="imagine",
                name="Imagine the possibilities",
                summary="Describe the future worth working for, and the first steps to it.",
                prompts=(
                    prompt(
                        "vision.imagine.1",
                        "vision",
                        "Picture this team five years from now, at its best. What is different "
                        "about how we work?",
                    ),
                    prompt(
                        "vision.imagine.2",
                        "goal",
                        "Name one thing this team should have achieved a year from now. How "
                        "would we know we got there?",
                    ),
                    prompt(
                        "vision.imagine.3",
                        "idea",
                        "What step toward where we're heading has nobody named yet?",
                    ),
                ),
            ),
            Commitment(
                key="enlist",
                name="Enlist others",
                summary="Listen for people's hopes and worries and let them shape where we go.",
                prompts=(
                    prompt(
                        "vision.enlist.1",
                        "hope",
                        "What do you most hope this team gets right in the coming months?",
                    ),
                    prompt(
                        "vision.enlist.2",
                        "fear",
                        "What worries you about where we are heading? Answers are anonymous: "
                        "your name is never stored.",
                    ),
                    prompt(
                        "vision.enlist.3",
                        "hope",
                        "Which part of our vision matters most to you personally, and why?",
                        needs="vision",
                    ),
                ),
            ),
        ),
    ),
    Practice(
        key="challenge",
        name="Challenge the Process",
        emoji=":hammer_and_wrench:",
        summary="Question how things have always been done, and learn by trying.",
        aliases=("challenge-the-process", "process"),
        tag_commitment="experiment",
        commitments=(
            Commitment(
                key="change",
                name="Make room for change",
                summary="Question old habits and open the channels between teams.",
                prompts=(
                    prompt(
                        "challenge.change.1",
                        "idea",
                        "Which of our habits would we never start today if we were beginning "
                        "from scratch? What would you do instead?",
                    ),
                    prompt(
                        "challenge.change.2",
                        "idea",
                        "Where does information get stuck between teams? Suggest one way to "
                        "open that up.",
                    ),
                    prompt(
                        "challenge.change.3",
                        "idea",
                        "What question about how we work have you been holding back? Ask it here.",
                    ),
                ),
            ),
            Commitment(
                key="experiment",
                name="Experiment and take risks",
                summary="Run small pilots, learn from what fails, build on small wins.",
                prompts=(
                    prompt(
                        "challenge.experiment.1",
                        "pilot",
                        "What small experiment could we start this week, with little to lose "
                        "if it fails?",
                    ),
                    prompt(
                        "challenge.experiment.2",
                        "learning",
                        "Something didn't work out lately. What did it teach you?",
                    ),
                    prompt(
                        "challenge.experiment.3",
                        "win",
                        "What small win moved us forward this week, however modest?",
                    ),
                ),
            ),
        ),
    ),
    Practice(
        key="enable",
        name="Enable Others to Act",
        emoji=":handshake:",
        summary="Share the goals, trust people, and help them grow.",
        aliases=("enable-others", "enable-others-to-act", "empower"),
        tag_commitment="empower",
        commitments=(
            Commitment(
                key="buyin",
                name="Fuel buy-in",
                summary="Let teams set their own goals and share them across the company.",
                prompts=(
                    prompt(
                        "enable.buyin.1",
                        "goal",
                        "What goal did your team set for itself this quarter? Share it so "
                        "other teams can help.",
                    ),
                    prompt(
                        "enable.buyin.2",
                        "kudos",
                        "Who from another team helped you lately? Give them the credit.",
                    ),
                    prompt(
                        "enable.buyin.3",
                        "win",
                        "Where did trusting someone with a decision pay off recently?",
                    ),
                ),
            ),
            Commitment(
                key="empower",
                name="Empower people",
                summary="Make time for learning, be clear on guidelines, measure what matters.",
                prompts=(
                    prompt(
                        "enable.empower.1",
                        "learning",
                        "What did you learn this week, and where did you learn it?",
                    ),
                    prompt(
                        "enable.empower.2",
                        "idea",
                        "Which question about our guidelines or tools do you keep hearing? "
                        "Where should people go for the answer?",
                    ),
                    prompt(
                        "enable.empower.3",
                        "goal",
                        "What would you like to get better at this month, and who could help you?",
                    ),
                ),
            ),
        ),
    ),
    Practice(
        key="heart",
        name="Encourage the Heart",
        emoji=":tada:",
        summary="Recognise people for what they do, and celebrate together.",
        aliases=("encourage", "encourage-the-heart", "recognition", "celebrate"),
        tag_commitment="recognise",
        commitments=(
            Commitment(
                key="recognise",
                name="Recognise individual excellence",
                summary="Find the heroes, tell their stories, reward the work.",
                prompts=(
                    prompt(
                        "heart.recognise.1",
                        "kudos",
                        "Whose work made a difference this week? Say what they did and what "
                        "it made possible.",
                    ),
                    prompt(
                        "heart.recognise.2",
                        "win",
                        "Tell us a success story from this week that more people should hear.",
                    ),
                    prompt(
                        "heart.recognise.3",
                        "kudos",
                        "Whose quiet work made your week easier? Thank them here.",
                    ),
                ),
            ),
            Commitment(
                key="community",
                name="Build community",
                summary="Celebrate milestones and stay close to the people doing the work.",
                prompts=(
                    prompt(
                        "heart.community.1",
                        "win",
                        "Which milestone did we reach lately that deserves a celebration?",
                    ),
                    prompt(
                        "heart.community.2",
                        "idea",
                        "How should we mark our next milestone together? Suggest something fun.",
                    ),
                    prompt(
                        "heart.community.3",
                        "reflection",
                        "When did you last talk face to face with someone whose work you rely "
                        "on? What came of it?",
                    ),
                ),
            ),
        ),
    ),
)
