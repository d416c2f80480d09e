package dev.waymark.core;

import dev.waymark.Action;
import dev.waymark.Contact;
import dev.waymark.Settings;
import dev.waymark.Settings.Policies;
import dev.waymark.Stage;
import java.util.List;

/**
 * The pipeline's own-actions step (docs/events-and-actions.md): the engine applies its own {@code tag.add}, {@code tag.remove}
 * and {@code stage.set} to the contact it keeps, as if the host had echoed them back; records every emitted
 * action in the ledger; and opens a conversion window (docs/settings-and-policies.md) for each message and holdout record.
 * Stateless.
 */
final class OwnActions {
    private OwnActions() {
    }

    /** The contact after {@code actions} (in output order): own actions applied, all recorded, exposures opened. */
    static Contact apply(Contact contact, List<Action> actions, Settings settings) {
        ContactDraft draft = new ContactDraft(contact);
        Policies.Conversion goal = settings.policies().conversion();
        for (Action a : actions) {
            applyOne(draft, a);
            if (a.messageChannel() != null || a.type().equals(Delivery.HOLDOUT_TYPE)) {
                Object arm = settings.policies().experiments().containsKey(a.rule()) ? a.params().get("variant") : null;
                draft.conversions = ConversionLog.exposed(draft.conversions, a.rule(),
                        arm == null ? Policies.Conversion.ALL : arm.toString(), a.at(), goal.event(), goal.window());
            }
        }
        return draft.freeze();
    }

    /** Applies one action of the engine's to the draft and records it in the ledger. */
    static void applyOne(ContactDraft d, Action a) {
        switch (a.type()) {
            case "tag.add" -> EventFolding.changeTag(d, String.valueOf(a.params().get("tag")), true, a.at());
            case "tag.remove" -> EventFolding.changeTag(d, String.valueOf(a.params().get("tag")), false, a.at());
            case "stage.set" -> d.stage = Stage.byId(String.valueOf(a.params().get("to")));
            default -> {
                // other actions are carried out by the host
            }
        }
        Ledger.record(d, a);
    }

    /** Whether {@code a} changes the contact as rules see it (a tag or the stage), from the next evaluation on. */
    static boolean changesContact(Action a) {
        return a.type().equals("tag.add") || a.type().equals("tag.remove") || a.type().equals("stage.set");
    }
}
