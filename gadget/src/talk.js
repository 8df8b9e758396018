/*
 * Talk pages without an add-topic control. Minerva on MediaWiki 1.43 has one only where
 * DiscussionTools runs (its new topic button; the old .minerva-talk-add-button needs
 * MobileFrontend), so a step pointing at the new-topic control would find nothing and the
 * newcomer could not ask their mentor. While such a step is shown, the tour offers the route
 * every wiki has: a link (wikitours-add-topic) to the classic new section form (action=edit&section=new),
 * at the top of the content, with the id the catalogue names.
 */
( function ( wt ) {
	'use strict';
	var CONTROLS = '#ca-addsection, .minerva-talk-add-button, .ext-discussiontools-init-new-topic-button',
		ID = 'ca-addsection';

	/**
	 * @return {boolean} Whether DiscussionTools' new topic tool runs on this page (its button
	 *  may be drawn after this runs)
	 */
	function newTopicTool() {
		var f = mw.config.get( 'wgDiscussionToolsFeaturesEnabled' );
		return !!( f && typeof f === 'object' && f.newtopictool );
	}

	/**
	 * Add that link if the step points at the new topic control (its selectors list
	 * `#ca-addsection`) on a talk page that can be edited and has no such control.
	 *
	 * @param {string[]} list The step's selectors for this skin, version and DiscussionTools
	 * @return {Element|null} The link added, or null when none was needed
	 */
	function offerAddTopic( list ) {
		var c = mw.config,
			href, content, $p;
		if ( list.indexOf( '#' + ID ) === -1 || c.get( 'wgAction' ) !== 'view' ||
			c.get( 'wgNamespaceNumber' ) % 2 !== 1 || c.get( 'wgIsProbablyEditable' ) === false ||
			newTopicTool() || document.querySelector( CONTROLS ) ) {
			return null;
		}
		href = mw.util.getUrl( c.get( 'wgPageName' ), { action: 'edit', section: 'new' } );
		// A visible, labelled link atop the content: Minerva's page actions would draw an
		// added link as an icon button without an icon (an empty square).
		content = document.getElementById( 'mw-content-text' );
		if ( !content ) {
			return null;
		}
		$p = $( '<p>' ).attr( 'id', ID ).addClass( 'wikitours-add-topic' ).append(
			$( '<a>' ).attr( 'href', href ).text( wt.texts.text( 'wikitours-add-topic' ) )
		);
		content.insertBefore( $p[ 0 ], content.firstChild );
		return $p[ 0 ];
	}

	wt.talk = { offerAddTopic: offerAddTopic };
}( mw.libs.wikitours ) );
